import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { REPORTED_PROBLEMS_MAX, type ImportProblem } from './import-report.js';

/**
 * The problems of one import and which rows they make invalid. Only the first
 * `REPORTED_PROBLEMS_MAX` in file order are kept (a file of 50,000 bad rows must not build a
 * report of 50,000 messages); every problem is counted.
 */
export class Problems {
  private list: { problem: ImportProblem; order: number }[] = [];
  private readonly rows = new Set<number>();
  private total = 0;

  add(row: number, column: string | null, message: string): void {
    this.list.push({ problem: { row, column, message }, order: this.total });
    this.rows.add(row);
    this.total += 1;
    if (this.list.length >= 2 * REPORTED_PROBLEMS_MAX) this.list = this.ordered();
  }

  addAll(problems: ImportProblem[]): void {
    for (const p of problems) this.add(p.row, p.column, p.message);
  }

  isInvalid(row: number): boolean {
    return this.rows.has(row);
  }

  /** Every problem found, including those no longer listed. */
  get count(): number {
    return this.total;
  }

  /** Rows with at least one problem. */
  get invalidRows(): number {
    return this.rows.size;
  }

  /** The first problems in file order; a row's problems keep the order they were found in. */
  sorted(): ImportProblem[] {
    return this.ordered().map(({ problem }) => problem);
  }

  private ordered() {
    return this.list
      .sort((a, b) => a.problem.row - b.problem.row || a.order - b.order)
      .slice(0, REPORTED_PROBLEMS_MAX);
  }
}

/** The rules of the API's own request class, so a row is held to exactly what a POST would be. */
const VALIDATION = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

/**
 * Validates one row's values with a request DTO. Empty required cells are reported as such
 * (rather than as "must be a string"); every other message is class-validator's. Returns the
 * transformed DTO, or null when the row has a problem.
 */
export function validateRow<T extends object>(
  dto: ClassConstructor<T>,
  plain: Record<string, unknown>,
  options: {
    row: number;
    problems: Problems;
    required: readonly string[];
    column: (field: string) => string;
  },
): T | null {
  const { row, problems } = options;
  let ok = true;
  const missing = new Set(options.required.filter((field) => plain[field] === undefined));
  for (const field of missing) {
    problems.add(row, options.column(field), `${field} is required`);
    ok = false;
  }
  const defined = Object.fromEntries(Object.entries(plain).filter(([, v]) => v !== undefined));
  const instance = plainToInstance(dto, defined);
  for (const error of validateSync(instance, VALIDATION)) {
    if (missing.has(error.property)) continue;
    const messages = Object.values(error.constraints ?? {});
    problems.add(row, options.column(error.property), messages.join('; ') || 'is not valid');
    ok = false;
  }
  return ok ? instance : null;
}

/** Lets other requests run between slices of a long check (the API is shared while importing). */
export async function breathe(index: number): Promise<void> {
  if (index > 0 && index % 1_000 === 0) await yieldToEventLoop();
}
