import { ApiProperty } from '@nestjs/swagger';

export const IMPORT_KINDS = ['trainees', 'instructors', 'courses', 'certificates'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

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
  @ApiProperty({ type: [ImportProblemDto], description: 'Every problem found, in file order' })
  invalid: ImportProblemDto[];
}
