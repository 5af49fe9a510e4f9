/**
 * Every PostgreSQL advisory lock the service takes, in one registry so that no two features
 * share an id by accident (two once did: creating a signing key and editing the prerequisite
 * graph waited on each other). Ids are arbitrary but must stay stable across versions, since
 * instances of an old and a new version may run side by side during a rolling update.
 * test/database.ts takes 740_118_099 for the test template.
 */
export const ADVISORY_LOCKS = {
  /** Session lock around running the migrations at start (several instances may start at once). */
  migrations: 740_118_000,
  /** Transaction lock keeping the audit hash chain gapless. */
  auditChain: 740_118_001,
  /** Creating the first administrator from ADMIN_EMAIL / ADMIN_PASSWORD once. */
  bootstrapAdmin: 740_118_002,
  /** Creating or rotating the credential signing key. */
  signingKeyCreation: 740_118_010,
  /** Allocating positions in the status lists. */
  statusListAllocation: 740_118_011,
  /** Changes to the course prerequisite graph (cycle check). */
  prerequisiteGraph: 740_118_012,
  /** Storing audit chain verification checkpoints. */
  auditCheckpoints: 740_118_021,
} as const;
