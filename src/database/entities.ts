import { AuditEvent } from '../audit/audit-event.entity.js';
import { RefreshToken } from '../auth/refresh-token.entity.js';
import { RateLimitBucket } from '../common/rate-limit-bucket.entity.js';
import { User } from '../users/user.entity.js';

/** Every entity, listed once: the app, the CLI data source and the tests use this list. */
export const ENTITIES = [User, RefreshToken, RateLimitBucket, AuditEvent];
