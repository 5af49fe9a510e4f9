import type {
  ExpiringCertificateDto,
  TrainingGroup,
  TrainingReportRowDto,
} from './dto/report.dto.js';
import type { CsvCell } from './csv.js';

/** Marks the trainees without an organisation in a CSV, where an empty cell would be unclear. */
const NO_ORGANISATION = '(none)';

const TRAINING_COLUMNS: Record<TrainingGroup, string[]> = {
  sex: ['sex'],
  ageBand: ['ageBand'],
  organisation: ['organisationId', 'organisationName'],
  country: ['country'],
  course: ['courseId', 'courseCode', 'courseTitle'],
  month: ['month'],
};

export function trainingCsvHeader(groupBy: TrainingGroup[]): string[] {
  return [...groupBy.flatMap((g) => TRAINING_COLUMNS[g]), 'enrolled', 'completed', 'certified'];
}

export function trainingCsvRecord(groupBy: TrainingGroup[], row: TrainingReportRowDto): CsvCell[] {
  const cells = groupBy.flatMap((group): CsvCell[] => {
    switch (group) {
      case 'sex':
        return [row.sex];
      case 'ageBand':
        return [row.ageBand];
      case 'organisation':
        return row.organisation
          ? [row.organisation.id, row.organisation.name]
          : [null, NO_ORGANISATION];
      case 'country':
        return [row.country];
      case 'course':
        return [row.course?.id, row.course?.code, row.course?.title];
      case 'month':
        return [row.month];
    }
  });
  return [...cells, row.enrolled, row.completed, row.certified];
}

export const EXPIRING_CSV_HEADER = [
  'certificateId',
  'serial',
  'validUntil',
  'traineeId',
  'givenName',
  'familyName',
  'organisationId',
  'organisationName',
  'courseId',
  'courseCode',
  'courseTitle',
];

export function expiringCsvRecord(item: ExpiringCertificateDto): CsvCell[] {
  return [
    item.certificateId,
    item.serial,
    item.validUntil,
    item.holder.traineeId,
    item.holder.givenName,
    item.holder.familyName,
    item.organisation?.id,
    item.organisation?.name ?? NO_ORGANISATION,
    item.course.id,
    item.course.code,
    item.course.title,
  ];
}
