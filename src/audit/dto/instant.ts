import { registerDecorator, ValidationOptions } from 'class-validator';
import { isCalendarDate } from '../../common/calendar.js';

// An offset is required: a timestamp without one would silently mean the server's zone.
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A moment as an ISO 8601 timestamp with a zone, e.g. `2026-03-01T08:00:00Z`. */
export function isInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = TIMESTAMP.exec(value);
  return m !== null && isCalendarDate(m[1]) && !Number.isNaN(Date.parse(value));
}

/** A `YYYY-MM-DD` date or an ISO 8601 timestamp with a zone. */
export function IsInstantOrDate(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isInstantOrDate',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => isCalendarDate(value) || isInstant(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be a date (YYYY-MM-DD) or an ISO 8601 timestamp with Z or an offset`,
      },
    });
}
