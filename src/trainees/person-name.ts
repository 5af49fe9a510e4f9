import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Matches, ValidateIf } from 'class-validator';
import { Trim } from '../common/validators.js';

/**
 * A person's name in any script (Latin, Azerbaijani, Cyrillic, Arabic...): at least one letter,
 * no control characters, and no `|`, which separates the parts of a trainee's identity key.
 */
const PERSON_NAME = /^(?=.*\p{L})[^\p{Cc}|]*$/u;
export const PERSON_NAME_MAX = 100;

const nameRules = () => [
  Trim(),
  IsString(),
  Length(1, PERSON_NAME_MAX),
  Matches(PERSON_NAME, {
    message: ({ property }) => `${property} must contain a letter and no control characters or "|"`,
  }),
];

export const IsPersonName = (example: string) =>
  applyDecorators(
    ApiProperty({ example, minLength: 1, maxLength: PERSON_NAME_MAX }),
    ...nameRules(),
  );

/** On PATCH: may be left out, but not set to null. */
export const IsOptionalPersonName = (example: string) =>
  applyDecorators(
    ApiPropertyOptional({ example, minLength: 1, maxLength: PERSON_NAME_MAX }),
    ValidateIf((_, value) => value !== undefined),
    ...nameRules(),
  );
