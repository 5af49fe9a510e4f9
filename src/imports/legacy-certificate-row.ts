import { Transform } from 'class-transformer';
import {
  IsIn,
  IsISO31661Alpha2,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { STATUS_REASONS, type StatusReason } from '../certifications/certificate-status.js';
import {
  CERTIFICATE_STATUSES,
  type CertificateStatus,
} from '../certifications/certificate.entity.js';
import { normaliseSerial } from '../certifications/serial.js';
import { IsCalendarDate, PRINTABLE_TEXT, Trim, UpperCase } from '../common/validators.js';
import { PERSON_NAME_MAX } from '../trainees/person-name.js';

/**
 * Serials of older registers keep their own shape (`AZ-EOD/2019/0042`), normalised the way
 * public verification normalises what people type, so the printed serial verifies.
 */
export const LEGACY_SERIAL = /^[A-Z0-9][A-Z0-9./_-]{2,63}$/;

const asSerial = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? normaliseSerial(value) : value;

/** One row of a legacy certificate file, as the CSV gives it (dates already read). */
export class LegacyCertificateRow {
  @Transform(asSerial)
  @IsString()
  @Matches(LEGACY_SERIAL, {
    message: 'serial must be 3 to 64 letters, digits, dots, slashes, dashes or underscores',
  })
  serial: string;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  )
  @IsUUID('all')
  traineeId?: string;

  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(PERSON_NAME_MAX)
  givenName?: string;

  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(PERSON_NAME_MAX)
  familyName?: string;

  @IsOptional()
  @IsCalendarDate()
  dateOfBirth?: string;

  @IsOptional()
  @UpperCase()
  @IsISO31661Alpha2()
  nationality?: string;

  @UpperCase()
  @IsString()
  @MaxLength(32)
  courseCode: string;

  @IsCalendarDate()
  issuedOn: string;

  @IsOptional()
  @IsCalendarDate()
  validUntil?: string;

  @IsOptional()
  @IsIn(CERTIFICATE_STATUSES)
  status?: CertificateStatus;

  @IsOptional()
  @IsIn(STATUS_REASONS)
  statusReason?: StatusReason;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @Matches(PRINTABLE_TEXT, { message: 'statusNote must not contain control characters' })
  statusNote?: string;
}
