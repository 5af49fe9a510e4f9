import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../common/pagination.js';
import { PRINTABLE_TEXT, Trim, NotNullIfGiven } from '../../common/validators.js';
import type { Lang } from '../../web/i18n.js';
import { COURSE_STATUSES, type Course, type CourseStatus } from '../course.entity.js';
import {
  localizedCourse,
  storedTranslations,
  type CourseTranslations,
} from '../course-translations.js';

/** Codes go into certificate serials and URLs: letters, digits and a few separators. */
const COURSE_CODE = /^[A-Z0-9][A-Z0-9._-]{0,31}$/;
const NO_CONTROL_CHARACTERS = { message: '$property must not contain control characters' };

const trimUpper = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toUpperCase() : value;
const trimEach = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value;
const lowerEach = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.toLowerCase() : v)) : value;

/**
 * One language's title, description and level. Each is optional and held to the original's
 * limits; an empty string means "not translated" (the original is shown).
 */
export class CourseTranslationDto {
  @ApiPropertyOptional({ maxLength: 200, example: 'Partlayıcı sursatların zərərsizləşdirilməsi' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  @Matches(PRINTABLE_TEXT, NO_CONTROL_CHARACTERS)
  title?: string;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(5000)
  @Matches(PRINTABLE_TEXT, NO_CONTROL_CHARACTERS)
  description?: string;

  @ApiPropertyOptional({ maxLength: 50, example: 'EOD 2' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(50)
  @Matches(PRINTABLE_TEXT, NO_CONTROL_CHARACTERS)
  level?: string;
}

/** Translations by language: az and ru only (any other key is 400). */
export class CourseTranslationsDto {
  @ApiPropertyOptional({ type: CourseTranslationDto, description: 'Azerbaijani' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CourseTranslationDto)
  az?: CourseTranslationDto;

  @ApiPropertyOptional({ type: CourseTranslationDto, description: 'Russian' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CourseTranslationDto)
  ru?: CourseTranslationDto;
}

/** The course in the caller's language (Accept-Language), each field falling back to the original. */
export class LocalizedCourseDto {
  @ApiProperty({ enum: ['en', 'az', 'ru'], description: 'The language asked for' })
  language: Lang;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty() level: string;
}

const TRANSLATIONS_DOC = {
  type: CourseTranslationsDto,
  nullable: true,
  description:
    'Title, description and level in Azerbaijani and Russian, each optional; a missing one shows the original. On PATCH the whole value is replaced (null: none)',
} as const;

export class CourseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'EOD-2' }) code: string;
  @ApiProperty({ example: 'Explosive Ordnance Disposal Level 2' }) title: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: [String], example: ['IMAS 09.30'] }) imasReferences: string[];
  @ApiProperty({ example: 'EOD 2' }) level: string;
  @ApiProperty({ example: 10 }) durationDays: number;
  @ApiProperty({ minimum: 0, maximum: 100, example: 70 }) passMark: number;
  @ApiProperty({ minimum: 0, maximum: 100, example: 90 }) minAttendancePercent: number;
  @ApiProperty({ type: Number, nullable: true, description: 'null: never expires' })
  validityMonths: number | null;
  @ApiProperty({ type: [String], format: 'uuid' }) prerequisiteCourseIds: string[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) renewsCourseId: string | null;
  @ApiProperty() requiresMedicalClearance: boolean;
  @ApiProperty({ enum: COURSE_STATUSES }) status: CourseStatus;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 1,
    description: 'Trainees one instructor may supervise; null: no limit',
  })
  maxTraineesPerInstructor: number | null;
  @ApiProperty({ type: CourseTranslationsDto }) translations: CourseTranslations;
  @ApiProperty({
    type: LocalizedCourseDto,
    description:
      "title, description and level in the caller's language (Accept-Language: en, az, ru); title, description and level above stay the originals",
  })
  localized: LocalizedCourseDto;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  /** `language` chooses `localized`; without it (audit records) the originals. */
  static from(course: Course, prerequisiteCourseIds: string[], language: Lang = 'en'): CourseDto {
    return {
      id: course.id,
      code: course.code,
      title: course.title,
      description: course.description,
      imasReferences: course.imasReferences,
      level: course.level,
      durationDays: course.durationDays,
      passMark: course.passMark,
      minAttendancePercent: course.minAttendancePercent,
      validityMonths: course.validityMonths,
      prerequisiteCourseIds,
      renewsCourseId: course.renewsCourseId,
      requiresMedicalClearance: course.requiresMedicalClearance,
      status: course.status,
      maxTraineesPerInstructor: course.maxTraineesPerInstructor,
      translations: storedTranslations(course.translations),
      localized: { language, ...localizedCourse(course, language) },
      version: course.version,
      createdAt: course.createdAt,
      updatedAt: course.updatedAt,
    };
  }
}

export class CreateCourseDto {
  @ApiProperty({
    example: 'EOD-2',
    description: 'Unique; trimmed and upper-cased. Letters, digits, `.`, `_`, `-`; up to 32.',
  })
  @Transform(trimUpper)
  @IsString()
  @Matches(COURSE_CODE, {
    message: 'code must be 1 to 32 letters, digits, dots, dashes or underscores',
  })
  code: string;

  @ApiProperty({ maxLength: 200, example: 'Explosive Ordnance Disposal Level 2' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(PRINTABLE_TEXT, NO_CONTROL_CHARACTERS)
  title: string;

  @ApiPropertyOptional({ maxLength: 5000, default: '' })
  @NotNullIfGiven()
  @Trim()
  @IsString()
  @MaxLength(5000)
  @Matches(PRINTABLE_TEXT, NO_CONTROL_CHARACTERS)
  description?: string;

  @ApiPropertyOptional({ type: [String], example: ['IMAS 09.30'], default: [] })
  @NotNullIfGiven()
  @Transform(trimEach)
  @IsArray()
  @ArrayMaxSize(30)
  @ArrayUnique()
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(50, { each: true })
  @Matches(PRINTABLE_TEXT, { each: true, ...NO_CONTROL_CHARACTERS })
  imasReferences?: string[];

  @ApiProperty({ maxLength: 50, example: 'EOD 2' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  @Matches(PRINTABLE_TEXT, NO_CONTROL_CHARACTERS)
  level: string;

  @ApiProperty({ minimum: 1, maximum: 365, example: 10 })
  @IsInt()
  @Min(1)
  @Max(365)
  durationDays: number;

  @ApiProperty({ minimum: 0, maximum: 100, example: 70 })
  @IsInt()
  @Min(0)
  @Max(100)
  passMark: number;

  @ApiProperty({ minimum: 0, maximum: 100, example: 90 })
  @IsInt()
  @Min(0)
  @Max(100)
  minAttendancePercent: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 1,
    maximum: 600,
    description: 'Required; null means certificates of this course never expire',
  })
  @ValidateIf((_object, value) => value !== null)
  @IsInt({ message: 'validityMonths must be an integer (months) or null (never expires)' })
  @Min(1)
  @Max(600)
  validityMonths: number | null;

  @ApiPropertyOptional({ type: [String], format: 'uuid', default: [] })
  @NotNullIfGiven()
  @Transform(lowerEach)
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  prerequisiteCourseIds?: string[];

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, default: null })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  )
  @IsUUID('all')
  renewsCourseId?: string | null;

  @ApiPropertyOptional({ default: false })
  @NotNullIfGiven()
  @IsBoolean()
  requiresMedicalClearance?: boolean;

  @ApiPropertyOptional({ enum: COURSE_STATUSES, default: 'draft' })
  @NotNullIfGiven()
  @IsIn(COURSE_STATUSES)
  status?: CourseStatus;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    maximum: 1000,
    default: null,
    description:
      'Trainees one instructor may supervise; null: no limit. Fewer instructors than a session needs is allowed, with a warning',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxTraineesPerInstructor?: number | null;

  @ApiPropertyOptional(TRANSLATIONS_DOC)
  @IsOptional()
  @ValidateNested()
  @Type(() => CourseTranslationsDto)
  translations?: CourseTranslationsDto | null;
}

export class UpdateCourseDto {
  @ApiPropertyOptional({ example: 'EOD-2' })
  @NotNullIfGiven()
  @Transform(trimUpper)
  @IsString()
  @Matches(COURSE_CODE, {
    message: 'code must be 1 to 32 letters, digits, dots, dashes or underscores',
  })
  code?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @NotNullIfGiven()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(PRINTABLE_TEXT, NO_CONTROL_CHARACTERS)
  title?: string;

  @ApiPropertyOptional({ maxLength: 5000 })
  @NotNullIfGiven()
  @Trim()
  @IsString()
  @MaxLength(5000)
  @Matches(PRINTABLE_TEXT, NO_CONTROL_CHARACTERS)
  description?: string;

  @ApiPropertyOptional({ type: [String] })
  @NotNullIfGiven()
  @Transform(trimEach)
  @IsArray()
  @ArrayMaxSize(30)
  @ArrayUnique()
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(50, { each: true })
  @Matches(PRINTABLE_TEXT, { each: true, ...NO_CONTROL_CHARACTERS })
  imasReferences?: string[];

  @ApiPropertyOptional({ maxLength: 50 })
  @NotNullIfGiven()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  @Matches(PRINTABLE_TEXT, NO_CONTROL_CHARACTERS)
  level?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 365 })
  @NotNullIfGiven()
  @IsInt()
  @Min(1)
  @Max(365)
  durationDays?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @NotNullIfGiven()
  @IsInt()
  @Min(0)
  @Max(100)
  passMark?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @NotNullIfGiven()
  @IsInt()
  @Min(0)
  @Max(100)
  minAttendancePercent?: number;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: 600 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(600)
  validityMonths?: number | null;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Replaces the whole list' })
  @NotNullIfGiven()
  @Transform(lowerEach)
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  prerequisiteCourseIds?: string[];

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  )
  @IsUUID('all')
  renewsCourseId?: string | null;

  @ApiPropertyOptional()
  @NotNullIfGiven()
  @IsBoolean()
  requiresMedicalClearance?: boolean;

  @ApiPropertyOptional({
    enum: COURSE_STATUSES,
    description:
      'draft → active, draft → retired, active → retired, retired → active; others 409 ILLEGAL_TRANSITION',
  })
  @NotNullIfGiven()
  @IsIn(COURSE_STATUSES)
  status?: CourseStatus;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    maximum: 1000,
    description: 'Trainees one instructor may supervise; null removes the limit',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxTraineesPerInstructor?: number | null;

  @ApiPropertyOptional(TRANSLATIONS_DOC)
  @IsOptional()
  @ValidateNested()
  @Type(() => CourseTranslationsDto)
  translations?: CourseTranslationsDto | null;

  @ApiPropertyOptional({ description: 'The version you read; a stale one is refused with 409' })
  @NotNullIfGiven()
  @IsInt()
  @Min(1)
  version?: number;
}

export class ListCoursesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: COURSE_STATUSES })
  @IsOptional()
  @IsIn(COURSE_STATUSES)
  status?: CourseStatus;

  @ApiPropertyOptional({ example: 'EOD 2', description: 'Exact level, any case' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(50)
  level?: string;

  @ApiPropertyOptional({ example: 'IMAS 09.30', description: 'One of the IMAS references' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(50)
  imas?: string;

  @ApiPropertyOptional({ description: 'Part of the code or title, any case' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class CoursePageDto {
  @ApiProperty({ type: [CourseDto] }) items: CourseDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
