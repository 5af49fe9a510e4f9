import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Entities read by hand-written statements: for the hot writes (an enrolment) that read several
 * entities in one round trip, where TypeORM's query builder (building the SQL, then hydrating)
 * cost the app more than the database's work (the enrolment rush's profile, bench/README.md).
 * The columns come from the entity's metadata, and values are hydrated by the driver exactly
 * as TypeORM's own reads do, so an entity read here equals one read by `findOneBy`.
 */

/** `alias.column AS "alias__column"` for every stored column of the entity. */
export function selectColumns(
  manager: EntityManager,
  target: EntityTarget<ObjectLiteral>,
  alias: string,
): string {
  return storedColumns(manager, target)
    .map((column) => `${alias}.${column.databaseName} AS "${alias}__${column.databaseName}"`)
    .join(', ');
}

/** `column AS "alias__column"`, for a RETURNING clause (no table alias there). */
export function returningColumns(
  manager: EntityManager,
  target: EntityTarget<ObjectLiteral>,
  alias: string,
): string {
  return storedColumns(manager, target)
    .map((column) => `${column.databaseName} AS "${alias}__${column.databaseName}"`)
    .join(', ');
}

/**
 * The entity in `row` under `alias` (as `selectColumns` named its columns), or null when its
 * primary key is null (an outer join that found nothing).
 */
export function hydrate<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  row: Record<string, unknown>,
  alias: string,
): T | null {
  const metadata = manager.connection.getMetadata(target);
  const key = metadata.primaryColumns[0];
  if (row[`${alias}__${key.databaseName}`] == null) return null;
  const entity = metadata.create(manager.queryRunner, { fromDeserializer: true }) as T;
  const driver = manager.connection.driver;
  for (const column of storedColumns(manager, target)) {
    const value = row[`${alias}__${column.databaseName}`];
    column.setEntityValue(entity, driver.prepareHydratedValue(value, column));
  }
  return entity;
}

/** The columns TypeORM itself hydrates (not a relation's virtual join column). */
function storedColumns(manager: EntityManager, target: EntityTarget<ObjectLiteral>) {
  return manager.connection
    .getMetadata(target)
    .columns.filter((column) => !column.isVirtual && !column.isVirtualProperty);
}
