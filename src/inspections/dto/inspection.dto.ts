import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  registerDecorator,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { IsInstantOrDate, isInstant } from '../../audit/dto/instant.js';
import { normaliseSerial } from '../../certifications/serial.js';
import { PageQueryDto } from '../../common/pagination.js';
import { PRINTABLE_TEXT } from '../../common/validators.js';
import {
  INSPECTION_NOTE_MAX,
  INSPECTION_SERIAL_MAX,
  INSPECTION_SITE_MAX,
  INSPECTION_VERDICTS,
  type InspectionVerdict,
} from '../inspection.entity.js';

/** Records a request may carry: a day of checks at a busy site fits, a body stays under 1 MB. */
export const MAX_INSPECTIONS_PER_REQUEST = 200;
/** A device clock may run this far ahead of the server's before its check is refused. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** Nothing was inspected with this system before this moment: an earlier time is a wrong clock. */
export const EARLIEST_CHECK = Date.parse('2000-01-01T00:00:00Z');

/** One line of text: no control characters at all (a site name, a serial). */
// eslint-disable-next-line no-control-regex -- the point is to refuse control characters
const ONE_LINE = /^[^\u0000-\u001F\u007F]*$/u;

/** Trimmed; empty or blank means not given (null), as a phone's empty field sends it. */
const OptionalText = () =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  });

/**
 * An ISO 8601 timestamp with Z or an offset, not before 2000 and not later than the server's
 * clock plus five minutes (a device clock a little ahead is allowed; a check from the future
 * is a wrong clock, and would sort above every real one).
 */
function IsCheckTime(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isCheckTime',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => {
          if (!isInstant(value)) return false;
          const at = Date.parse(value);
          return at >= EARLIEST_CHECK && at <= Date.now() + CLOCK_SKEW_MS;
        },
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an ISO 8601 timestamp with Z or an offset, from 2000 to now (5 minutes of clock skew allowed)`,
      },
    });
}

export class InspectionInputDto {
  @ApiProperty({
    format: 'uuid',
    description:
      'Made on the device when the check was made: the same id uploaded again stores nothing new',
  })
  @IsUUID('all')
  clientId: string;

  @ApiProperty({
    example: 'COE-EOD2-2026-7KQ4M2',
    maxLength: INSPECTION_SERIAL_MAX,
    description:
      'As scanned; normalised as verification does (upper case, no spaces). An unknown serial is recorded too (certificateId null).',
  })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? normaliseSerial(value) : value,
  )
  @IsString()
  @IsNotEmpty()
  @MaxLength(INSPECTION_SERIAL_MAX)
  @Matches(ONE_LINE, { message: 'serial must not contain control characters' })
  serial: string;

  @ApiProperty({
    example: '2026-12-04T09:41:07.120Z',
    description:
      "When the inspector checked it, by the device's clock: an ISO 8601 timestamp with Z or an offset, from 2000 until 5 minutes past the server's now",
  })
  @IsCheckTime()
  checkedAt: string;

  @ApiProperty({ enum: INSPECTION_VERDICTS, description: 'What the app concluded' })
  @IsIn(INSPECTION_VERDICTS)
  verdict: InspectionVerdict;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: INSPECTION_SITE_MAX,
    example: 'Aghdam, sector 4 (clearance task 112)',
    description: 'Where the check was made; blank is the same as absent',
  })
  @IsOptional()
  @OptionalText()
  @IsString()
  @MaxLength(INSPECTION_SITE_MAX)
  @Matches(ONE_LINE, { message: 'site must be one line without control characters' })
  site?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: INSPECTION_NOTE_MAX,
    description: "The inspector's note (several lines allowed); blank is the same as absent",
  })
  @IsOptional()
  @OptionalText()
  @IsString()
  @MaxLength(INSPECTION_NOTE_MAX)
  @Matches(PRINTABLE_TEXT, { message: 'note must not contain control characters' })
  note?: string | null;
}

export class RecordInspectionsDto {
  @ApiProperty({
    type: [InspectionInputDto],
    minItems: 1,
    maxItems: MAX_INSPECTIONS_PER_REQUEST,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_INSPECTIONS_PER_REQUEST)
  @ValidateNested({ each: true })
  @Type(() => InspectionInputDto)
  inspections: InspectionInputDto[];
}

export class InspectionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'The id the device made' }) clientId: string;
  @ApiProperty({ example: 'COE-EOD2-2026-7KQ4M2' }) serial: string;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The certificate with this serial; null when the register has none',
  })
  certificateId: string | null;
  @ApiProperty({ format: 'uuid', description: 'The user who uploaded the check' })
  inspectorId: string;
  @ApiProperty({
    description:
      "The inspector's name as of now: the trainee or instructor linked to the account, else its e-mail",
  })
  inspectorName: string;
  @ApiProperty({ description: "When it was checked, by the device's clock" }) checkedAt: Date;
  @ApiProperty({ description: 'When the server stored it' }) receivedAt: Date;
  @ApiProperty({ enum: INSPECTION_VERDICTS }) verdict: InspectionVerdict;
  @ApiProperty({ type: String, nullable: true }) site: string | null;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
}

export class RecordedInspectionsDto {
  @ApiProperty({
    type: [InspectionDto],
    description:
      'One per clientId sent, in the order first sent: the stored record, new or already there',
  })
  items: InspectionDto[];
  @ApiProperty({ example: 3, description: 'Records stored by this request' }) created: number;
  @ApiProperty({
    example: 1,
    description: 'Records sent that were already stored (an earlier upload, or twice in this one)',
  })
  duplicates: number;
}

export class ListInspectionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    example: 'COE-EOD2-2026-7KQ4M2',
    description: 'Checks of this serial (any case, spaces ignored)',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? normaliseSerial(value) : value,
  )
  @IsString()
  @IsNotEmpty()
  @MaxLength(INSPECTION_SERIAL_MAX)
  serial?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Checks uploaded by this user' })
  @IsOptional()
  @IsUUID('all')
  inspectorId?: string;

  @ApiPropertyOptional({
    example: 'Aghdam',
    description: 'Checks whose site contains this text (any case)',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(INSPECTION_SITE_MAX)
  site?: string;

  @ApiPropertyOptional({
    example: '2026-12-01',
    description:
      'Checked at or after this moment: an ISO 8601 timestamp with Z or an offset, or a date (from the start of that day in the Center’s time zone)',
  })
  @IsOptional()
  @IsInstantOrDate()
  from?: string;

  @ApiPropertyOptional({
    example: '2026-12-31',
    description:
      'Checked at or before this moment: an ISO 8601 timestamp with Z or an offset, or a date (to the end of that day in the Center’s time zone)',
  })
  @IsOptional()
  @IsInstantOrDate()
  to?: string;
}

export class InspectionPageDto {
  @ApiProperty({ type: [InspectionDto], description: 'Latest check first' })
  items: InspectionDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
