import { Foundation1795847927462 } from './1795847927462-Foundation.js';

/** Every migration, in order. `npm run migration:generate -- migrations/Name` writes a new file: add it here. */
export const MIGRATIONS = [Foundation1795847927462];
