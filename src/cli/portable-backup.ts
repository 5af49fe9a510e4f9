import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';

/**
 * The portable backup: written and read by this service alone, so that a machine with nothing
 * but Node and the database server (the embedded PostgreSQL ships no pg_dump) can back up and
 * restore. It holds data, not DDL: the schema comes from this code's migrations, up to the
 * backup's schema version, so it restores into any PostgreSQL this service runs on (15 to 18).
 *
 * The file is gzip. Inside: one line of JSON (the header below), then each table of the header
 * in order as `COPY ... TO STDOUT` text, cut into frames (a 4-byte big-endian length, then that
 * many bytes), a frame of length 0 ending the table. `zcat FILE | head -1` shows the header.
 */
export const PORTABLE_FORMAT = 'coe-portable-backup';
export const PORTABLE_VERSION = 1;

export interface PortableTable {
  schema: string;
  name: string;
  columns: string[];
  rows: number;
}

export interface PortableSequence {
  schema: string;
  name: string;
  /** bigint, as text. */
  lastValue: string;
  isCalled: boolean;
}

export interface PortableHeader {
  format: typeof PORTABLE_FORMAT;
  version: number;
  createdAt: string;
  /** The server's version (server_version), for the record. */
  server: string;
  /** The applied migrations, in the order they ran: the backup's schema version. */
  migrations: string[];
  auditHead: { seq: string; hash: string } | null;
  /** In foreign-key order: a table comes after the tables it refers to. */
  tables: PortableTable[];
  sequences: PortableSequence[];
}

/** A header line longer than this is not ours (a whole file without a line break, say). */
const MAX_HEADER_BYTES = 4 * 1024 * 1024;
const END_OF_TABLE = Buffer.alloc(4);
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

/** What kind of backup a file is, from its first bytes. */
export async function backupKind(file: string): Promise<'portable' | 'pg_dump' | undefined> {
  const stream = createReadStream(file, { start: 0, end: 4 });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const head = Buffer.concat(chunks);
  if (head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'pg_dump';
  if (head.subarray(0, 2).equals(GZIP_MAGIC)) return 'portable';
  return undefined;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const qualified = (t: { schema: string; name: string }) =>
  `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;

/** Schemas that belong to PostgreSQL itself. */
const USER_SCHEMA = `n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;

interface TableRow {
  oid: number;
  schema: string;
  name: string;
}

async function userTables(client: pg.ClientBase): Promise<TableRow[]> {
  const { rows } = await client.query<TableRow>(`
    SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND ${USER_SCHEMA}
    ORDER BY n.nspname, c.relname`);
  return rows;
}

/** Tables ordered so that each comes after those its foreign keys point to. */
async function foreignKeyOrder(client: pg.ClientBase, tables: TableRow[]): Promise<TableRow[]> {
  const { rows: keys } = await client.query<{ from: number; to: number }>(`
    SELECT DISTINCT conrelid::int AS "from", confrelid::int AS "to"
    FROM pg_constraint WHERE contype = 'f' AND conrelid <> confrelid`);
  const pending = new Map(tables.map((t) => [t.oid, t]));
  const needs = new Map(tables.map((t) => [t.oid, new Set<number>()]));
  for (const key of keys) {
    if (pending.has(key.from) && pending.has(key.to)) needs.get(key.from)!.add(key.to);
  }
  const ordered: TableRow[] = [];
  while (pending.size > 0) {
    const ready = [...pending.values()].filter((t) =>
      [...needs.get(t.oid)!].every((oid) => !pending.has(oid)),
    );
    if (ready.length === 0) {
      // A cycle of foreign keys between tables: COPY could load none of them first.
      const names = [...pending.values()].map((t) => `${t.schema}.${t.name}`).join(', ');
      throw new Error(
        `The tables ${names} refer to each other in a circle: the portable format cannot order ` +
          `them. Use --format pg-dump.`,
      );
    }
    for (const t of ready) {
      ordered.push(t);
      pending.delete(t.oid);
    }
  }
  return ordered;
}

async function columnsOf(client: pg.ClientBase, oid: number): Promise<string[]> {
  // Generated columns are computed again on load; dropped ones are gone.
  const { rows } = await client.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute
     WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
     ORDER BY attnum`,
    [oid],
  );
  return rows.map((r) => r.name);
}

/**
 * Reads everything the header says about the database. Call it inside the transaction whose
 * snapshot the backup is made from (REPEATABLE READ), before writePortableBackup.
 */
export async function describeDatabase(client: pg.ClientBase): Promise<PortableHeader> {
  const migrations = await client
    .query<{ name: string }>('SELECT name FROM migrations ORDER BY id')
    .catch(() => ({ rows: [] as { name: string }[] }));
  if (migrations.rows.length === 0) {
    throw new Error('This database has no migrations table: it is not this service’s.');
  }
  const head = await client.query<{ seq: string; hash: string }>(
    'SELECT seq::text AS seq, hash FROM audit_events ORDER BY audit_events.seq DESC LIMIT 1',
  );
  const { rows: version } = await client.query<{ v: string }>(
    "SELECT current_setting('server_version') AS v",
  );
  const tables: PortableTable[] = [];
  for (const t of await foreignKeyOrder(client, await userTables(client))) {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified(t)}`);
    tables.push({
      schema: t.schema,
      name: t.name,
      columns: await columnsOf(client, t.oid),
      rows: Number(rows[0]!.n),
    });
  }
  const { rows: seqs } = await client.query<{ schema: string; name: string }>(`
    SELECT n.nspname AS schema, c.relname AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'S' AND ${USER_SCHEMA} ORDER BY 1, 2`);
  const sequences: PortableSequence[] = [];
  for (const s of seqs) {
    const { rows } = await client.query<{ last_value: string; is_called: boolean }>(
      `SELECT last_value::text AS last_value, is_called FROM ${qualified(s)}`,
    );
    sequences.push({ ...s, lastValue: rows[0]!.last_value, isCalled: rows[0]!.is_called });
  }
  return {
    format: PORTABLE_FORMAT,
    version: PORTABLE_VERSION,
    createdAt: new Date().toISOString(),
    server: version[0]!.v,
    migrations: migrations.rows.map((r) => r.name),
    auditHead: head.rows[0] ?? null,
    tables,
    sequences,
  };
}

function copyColumns(table: PortableTable): string {
  return `${qualified(table)} (${table.columns.map(quoteIdent).join(', ')})`;
}

/**
 * Writes the backup to `file` (created new, readable by its owner alone), streaming each
 * table from the transaction's snapshot: memory stays bounded whatever the table sizes.
 */
export async function writePortableBackup(
  client: pg.ClientBase,
  header: PortableHeader,
  file: string,
): Promise<void> {
  async function* content(): AsyncGenerator<Buffer> {
    yield Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
    for (const table of header.tables) {
      const copy = client.query(copyStreams.to(`COPY ${copyColumns(table)} TO STDOUT`));
      for await (const chunk of copy) {
        const data = chunk as Buffer;
        const length = Buffer.alloc(4);
        length.writeUInt32BE(data.length);
        yield length;
        yield data;
      }
      if (copy.rowCount !== table.rows) {
        throw new Error(
          `${table.schema}.${table.name}: ${copy.rowCount} rows copied, ${table.rows} counted`,
        );
      }
      yield END_OF_TABLE;
    }
  }
  await pipeline(
    content(),
    // Level 6 (zlib's default) costs about twice the time of level 1 for a tenth less size;
    // the database, not compression, sets the pace at this level.
    createGzip({ level: 6 }),
    createWriteStream(file, { flags: 'wx', mode: 0o600 }),
  );
}

/** Buffered reads of exact sizes from a stream of chunks. */
class ChunkReader {
  private buffered: Buffer[] = [];
  private size = 0;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** False when the stream ends first. */
  private async fill(n: number): Promise<boolean> {
    while (this.size < n) {
      const next = await this.source.next();
      if (next.done) return false;
      this.buffered.push(next.value);
      this.size += next.value.length;
    }
    return true;
  }

  private take(n: number): Buffer {
    const all = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered);
    this.buffered = n < all.length ? [all.subarray(n)] : [];
    this.size = all.length - n;
    return all.subarray(0, n);
  }

  async read(n: number, what: string): Promise<Buffer> {
    if (!(await this.fill(n))) throw new Error(`The backup file ends early (in ${what})`);
    return this.take(n);
  }

  async line(max: number): Promise<string | undefined> {
    for (;;) {
      const all = Buffer.concat(this.buffered);
      this.buffered = [all];
      const end = all.indexOf(0x0a);
      if (end >= 0) return this.take(end + 1).toString('utf8', 0, end);
      if (all.length > max || !(await this.fill(all.length + 1))) return undefined;
    }
  }
}

/** The decompressed content of a portable backup, read from its start. */
export interface PortableReader {
  header: PortableHeader;
  /** The frames of the next table's COPY text. */
  tableData(what: string): AsyncGenerator<Buffer>;
  close(): void;
}

export class NotPortableBackupError extends Error {}

export async function openPortableBackup(file: string): Promise<PortableReader> {
  const gunzip = createGunzip();
  const reading = pipeline(createReadStream(file), gunzip);
  // The iterator reports the pipeline's errors; this keeps an early close from going unheard.
  reading.catch(() => undefined);
  const iterator = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const reader = new ChunkReader(iterator);
  const close = () => gunzip.destroy();
  let header: PortableHeader;
  try {
    const first = await reader.line(MAX_HEADER_BYTES);
    header = first === undefined ? undefined : JSON.parse(first);
  } catch (err) {
    close();
    if (err instanceof SyntaxError || (err as { code?: string }).code?.startsWith('Z_')) {
      throw new NotPortableBackupError(`not a backup made by "backup" (${(err as Error).message})`);
    }
    throw err;
  }
  if (header?.format !== PORTABLE_FORMAT) {
    close();
    throw new NotPortableBackupError('not a backup made by "backup" (no header)');
  }
  return {
    header,
    close,
    async *tableData(what: string) {
      for (;;) {
        const length = (await reader.read(4, what)).readUInt32BE(0);
        if (length === 0) return;
        yield await reader.read(length, what);
      }
    },
  };
}

/**
 * Loads every table of the backup into the database `client` is connected to, inside the
 * transaction the caller holds, whose schema must be the backup's (the same migrations).
 * Replaces the rows already there (those the migrations inserted). The user triggers are off
 * while loading: the rows come as they were, including those triggers derived (training_seats),
 * and the append-only guards of the audit trail let the load in. Foreign keys stay checked.
 */
export async function loadPortableBackup(
  client: pg.ClientBase,
  backup: PortableReader,
): Promise<{ tables: number; rows: number }> {
  const { header } = backup;
  const present = new Set((await userTables(client)).map((t) => `${t.schema}.${t.name}`));
  const expected = new Set(header.tables.map((t) => `${t.schema}.${t.name}`));
  const missing = [...expected].filter((t) => !present.has(t));
  const extra = [...present].filter((t) => !expected.has(t));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(
      `The backup's tables do not match its schema version (${header.migrations.at(-1)}): ` +
        [
          missing.length ? `not created by the migrations: ${missing.join(', ')}` : '',
          extra.length ? `not in the backup: ${extra.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; '),
    );
  }
  const names = header.tables.map(qualified);
  const { rows: triggers } = await client.query<{ on: string; name: string; enabled: string }>(
    `SELECT tgrelid::regclass::text AS on, tgname AS name, tgenabled AS enabled
     FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'
       AND tgrelid = ANY ($1::regclass[])`,
    [names],
  );
  const alter = (t: { on: string; name: string }, action: string) =>
    client.query(`ALTER TABLE ${t.on} ${action} ${quoteIdent(t.name)}`);
  for (const t of triggers) await alter(t, 'DISABLE TRIGGER');
  if (names.length > 0) await client.query(`TRUNCATE ${names.join(', ')}`);

  let rows = 0;
  for (const table of header.tables) {
    const what = `table ${table.schema}.${table.name}`;
    const copy = client.query(copyStreams.from(`COPY ${copyColumns(table)} FROM STDIN`));
    await pipeline(backup.tableData(what), copy);
    if (copy.rowCount !== table.rows) {
      throw new Error(
        `${what}: ${copy.rowCount} rows in the backup, its header says ${table.rows}`,
      );
    }
    rows += copy.rowCount;
  }
  for (const s of header.sequences) {
    await client.query('SELECT setval($1::regclass, $2::bigint, $3)', [
      qualified(s),
      s.lastValue,
      s.isCalled,
    ]);
  }
  // Deferred checks (a deferrable unique key) now, while their triggers' state is known.
  await client.query('SET CONSTRAINTS ALL IMMEDIATE');
  const enable = { O: 'ENABLE TRIGGER', A: 'ENABLE ALWAYS TRIGGER', R: 'ENABLE REPLICA TRIGGER' };
  for (const t of triggers) {
    await alter(t, enable[t.enabled as keyof typeof enable] ?? 'ENABLE TRIGGER');
  }
  return { tables: header.tables.length, rows };
}
