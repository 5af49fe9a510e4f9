import { Transform } from 'class-transformer';
import { registerDecorator, ValidateIf, ValidationOptions } from 'class-validator';
import { isCalendarDate } from './calendar.js';

/** A real calendar date written `YYYY-MM-DD` (2026-02-30 is refused). */
export function IsCalendarDate(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => isCalendarDate(value),
        defaultMessage: (args) => `${args?.property ?? 'value'} must be a date written YYYY-MM-DD`,
      },
    });
}

/** Trims surrounding whitespace of strings; leaves other values for the validators to refuse. */
export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Upper-cases strings (ISO country codes are accepted in any case). */
export const UpperCase = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toUpperCase() : value,
  );

/** Text people type: no control characters except newline and tab. */
// eslint-disable-next-line no-control-regex -- the point is to refuse control characters
export const PRINTABLE_TEXT = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/u;

/**
 * For optional fields of non-nullable columns: absent is fine, an explicit null is validated
 * (and refused) rather than skipped as `@IsOptional()` would.
 */
export const NotNullIfGiven = () => ValidateIf((_object, value) => value !== undefined);
