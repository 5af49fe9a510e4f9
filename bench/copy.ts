import { setImmediate as nextTurn } from 'node:timers/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';

/** A Buffer is written as is: bytes already in COPY text form (e.g. a value shared by many rows). */
export type CopyValue = string | number | boolean | null | Buffer;

/** Text-format COPY needs backslash, tab, newline and carriage return escaped. */
function needsEscape(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 92 || c === 9 || c === 10 || c === 13) return true;
  }
  return false;
}

function escape(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** A PostgreSQL text array literal (`{a,"b c"}`) for COPY. */
export function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** A value in COPY text form, to be shared by many rows without encoding it again. */
export function copyBytes(value: string): Buffer {
  return Buffer.from(needsEscape(value) ? escape(value) : value, 'utf8');
}

const CHUNK_BYTES = 512 * 1024;
const NULL = Buffer.from('\\N');

/**
 * One `COPY table (columns) FROM STDIN` on its own connection. Rows are encoded straight into
 * chunk buffers (no string concatenation per row) and written with backpressure, so generating
 * and loading overlap without holding a whole table in memory.
 */
export class CopyWriter {
  rows = 0;
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private offset = 0;
  private readonly stream: ReturnType<typeof copyStreams.from>;
  private readonly done: Promise<void>;

  constructor(
    client: pg.Client | pg.PoolClient,
    readonly table: string,
    columns: readonly string[],
    options: { freeze?: boolean } = {},
  ) {
    const list = columns.map((c) => `"${c}"`).join(', ');
    this.stream = client.query(
      copyStreams.from(
        `COPY ${table} (${list}) FROM STDIN${options.freeze ? ' WITH (FREEZE)' : ''}`,
      ),
    );
    this.done = new Promise((resolve, reject) => {
      this.stream.on('finish', () => resolve());
      this.stream.on('error', reject);
    });
    // Surfaces a failed COPY (e.g. a constraint) at the next write instead of hanging on drain.
    this.done.catch(() => undefined);
  }

  async row(values: readonly CopyValue[]): Promise<void> {
    let room = 1;
    for (const v of values) {
      room += 1 + (v === null ? 2 : Buffer.isBuffer(v) ? v.length : String(v).length * 3 * 2);
    }
    if (this.offset + room > this.chunk.length) {
      await this.flush();
      if (room > this.chunk.length) this.chunk = Buffer.allocUnsafe(room);
    }
    for (let i = 0; i < values.length; i++) {
      if (i > 0) this.chunk[this.offset++] = 9;
      const v = values[i];
      if (v === null) this.offset += NULL.copy(this.chunk, this.offset);
      else if (Buffer.isBuffer(v)) this.offset += v.copy(this.chunk, this.offset);
      else {
        const s = typeof v === 'string' ? v : String(v);
        this.offset += this.chunk.write(needsEscape(s) ? escape(s) : s, this.offset, 'utf8');
      }
    }
    this.chunk[this.offset++] = 10;
    this.rows += 1;
  }

  private async flush(): Promise<void> {
    if (this.offset === 0) return;
    const full = this.chunk.subarray(0, this.offset);
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.offset = 0;
    if (!this.stream.write(full)) {
      await Promise.race([
        new Promise<void>((resolve) => this.stream.once('drain', () => resolve())),
        this.done,
      ]);
    }
    // A socket that accepts everything at once drains within the same turn of the event loop;
    // without this the first busy stream would starve every other stream and timer.
    await nextTurn();
  }

  async end(): Promise<number> {
    await this.flush();
    this.stream.end();
    await this.done;
    return this.rows;
  }
}
