import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/actor.js';
import type { ColumnSet, HeaderMap } from './columns.js';
import type { CsvRecord } from './csv-reader.js';
import type { ImportPhase, ImportProblem } from './import-report.js';
import type { Problems } from './row-checks.js';

export type Progress = (phase: ImportPhase, done: number, total: number) => void;

/** What an import would do: the records to create, and how many rows already exist. */
export interface ImportPlan<T> {
  creates: T[];
  unchanged: number;
}

/**
 * One kind of record brought in from CSV. `plan` checks every row (alone, against the other
 * rows, against the database) and writes nothing; `write` creates the planned records and
 * their audit events in the caller's transaction.
 */
export interface Importer<T> {
  readonly columns: ColumnSet;
  /** Header rules beyond "this column must be there" (e.g. one of two ways to name a trainee). */
  checkHeader?(header: HeaderMap, line: number): ImportProblem[];
  plan(
    tx: EntityManager,
    records: CsvRecord[],
    header: HeaderMap,
    problems: Problems,
    progress: Progress,
  ): Promise<ImportPlan<T>>;
  write(tx: EntityManager, actor: Actor, creates: T[], progress: Progress): Promise<void>;
}

/** Rows per INSERT statement. */
export const WRITE_CHUNK = 1_000;

/**
 * Sends one write at a time, returning as soon as it is sent: the next chunk is prepared while
 * the database works on this one. `drain` waits for the last write (and throws its error).
 */
export class WritePipeline {
  private inFlight: Promise<unknown> = Promise.resolve();

  async send(write: () => Promise<unknown>): Promise<void> {
    await this.inFlight;
    this.inFlight = write();
    // Awaited on the next send or drain; until then a failure must not count as unhandled.
    this.inFlight.catch(() => undefined);
  }

  async drain(): Promise<void> {
    await this.inFlight;
  }
}
