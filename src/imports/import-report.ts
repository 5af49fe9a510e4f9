import { ApiProperty } from '@nestjs/swagger';

export const IMPORT_KINDS = ['trainees', 'instructors', 'courses', 'certificates'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/**
 * Data rows one file may hold. The whole file is checked in memory before anything is written
 * (one transaction, all or nothing), and a production instance has a 192 MB heap: a real import
 * of 100,000 trainees peaked at about 300 MB RSS and 150,000 ended the process, so files are
 * capped well below that. Larger registers go in several files (re-imports count as unchanged).
 */
export const IMPORT_MAX_ROWS = 50_000;

/** Problems listed in a report (the first ones in file order); `invalidCount` counts them all. */
export const REPORTED_PROBLEMS_MAX = 1_000;

/** What is wrong, where: `row` is the line in the file (the header is 1), `column` its header. */
export interface ImportProblem {
  row: number;
  column: string | null;
  message: string;
}

export interface ImportReport {
  dryRun: boolean;
  received: number;
  imported: number;
  unchanged: number;
  invalid: ImportProblem[];
  invalidCount: number;
}

export interface ImportOptions {
  dryRun?: boolean;
  skipInvalid?: boolean;
  /** Told as the work advances (the command line draws progress bars from it). */
  onProgress?: (phase: ImportPhase, done: number, total: number) => void;
}

export type ImportPhase = 'reading' | 'checking' | 'writing' | 'auditing';

export class ImportProblemDto {
  @ApiProperty({ example: 7, description: 'Line in the file where the record starts; header = 1' })
  row: number;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'dateOfBirth',
    description: 'The column as the file names it; null when the whole line is at fault',
  })
  column: string | null;
  @ApiProperty({ example: 'dateOfBirth must be a date written YYYY-MM-DD' })
  message: string;
}

export class ImportReportDto {
  @ApiProperty({ description: 'True when nothing was written (a trial run)' })
  dryRun: boolean;
  @ApiProperty({ description: 'Data rows in the file (blank lines not counted)' })
  received: number;
  @ApiProperty({
    description: 'Records created (in a dry run: that would have been created)',
  })
  imported: number;
  @ApiProperty({
    description:
      'Rows whose record already exists (same natural key): left exactly as they are, never updated',
  })
  unchanged: number;
  @ApiProperty({
    type: [ImportProblemDto],
    description: `The problems found, in file order: the first ${REPORTED_PROBLEMS_MAX.toLocaleString('en')} when there are more`,
  })
  invalid: ImportProblemDto[];
  @ApiProperty({
    description: 'How many problems were found in all (invalid lists the first ones)',
  })
  invalidCount: number;
}
