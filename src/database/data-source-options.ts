import pg from 'pg';
import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { AuditSequencingSubscriber } from '../audit/audit-sequencing.subscriber.js';
import { ENTITIES } from './entities.js';

// A DATE is a calendar day, not an instant: keep it as the 'YYYY-MM-DD' text PostgreSQL sends
// (pg would otherwise build a Date at local midnight, which shifts days across time zones).
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

/**
 * With replicas, TypeORM sends find/query-builder reads outside a transaction to a replica
 * chosen at random, and everything else (writes, transactions, raw `query`) to the primary.
 */
export function dataSourceOptions(
  url: string,
  poolSize = 10,
  replicaUrls: string[] = [],
): DataSourceOptions {
  return {
    type: 'postgres',
    ...(replicaUrls.length > 0
      ? {
          replication: {
            master: { url },
            slaves: replicaUrls.map((replica) => ({ url: replica })),
          },
        }
      : { url }),
    entities: ENTITIES,
    migrations: MIGRATIONS,
    // Appends each committed transaction's audit events to the chain (issue 20).
    subscribers: [AuditSequencingSubscriber],
    migrationsTableName: 'migrations',
    // gen_random_uuid() is built into PostgreSQL 13+, no extension to install.
    uuidExtension: 'pgcrypto',
    synchronize: false,
    migrationsRun: false,
    extra: {
      max: poolSize,
      // pg-pool applies this both to opening a connection and to waiting for a free one. A
      // stopped database refuses connections at once (503 without waiting), so the limit only
      // needs to bound a burst queueing for the pool, which must not fail busy requests early.
      connectionTimeoutMillis: 15_000,
      idleTimeoutMillis: 30_000,
      // Bound every statement; a stuck query must not hold a connection forever.
      statement_timeout: 30_000,
      application_name: 'coe',
      // pg-pool stops listening to a new connection's errors when it hands it out, and TypeORM
      // starts a promise tick later: a connection killed in between (its FATAL message in the
      // same packet as ReadyForQuery) emits an 'error' nobody hears, which crashes the process
      // (test/faults/killed-connection). This listener lasts as long as the connection; the
      // failed queries still report the loss, and the pool drops the unqueryable connection.
      onConnect: (client: pg.ClientBase) => {
        client.on('error', () => undefined);
      },
    },
  };
}
