import { Transform } from 'class-transformer';
import { registerDecorator, type ValidationOptions } from 'class-validator';

export const IDENTITY_DOCUMENT_TYPES = ['passport', 'national_id', 'military_id'] as const;
export type IdentityDocumentType = (typeof IDENTITY_DOCUMENT_TYPES)[number];

export const DOCUMENT_NUMBER_MIN = 5;
export const DOCUMENT_NUMBER_MAX = 30;

/**
 * A document number as the register keeps, compares and searches it: Unicode-compatible
 * forms folded (full-width digits typed on some keyboards), spaces, hyphens, dots and slashes
 * taken out and letters upper-cased. Registrars copy "AA 123 45-67" and "aa1234567" from the
 * same card; both must find, and collide with, the same record. Letters of any script stay
 * (Soviet-era military cards carry Cyrillic series); nothing else is accepted.
 */
export function normaliseDocumentNumber(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/[\s\-./]+/gu, '')
    .toUpperCase();
}

/** Whether a normalised number is one the register accepts: letters and digits only. */
export function isDocumentNumber(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length >= DOCUMENT_NUMBER_MIN &&
    value.length <= DOCUMENT_NUMBER_MAX &&
    /^[\p{L}\p{N}]+$/u.test(value) &&
    /\p{N}/u.test(value)
  );
}

/**
 * The last four characters, the part lists and (when configured) the public verification page
 * show: enough to tell two cards apart in hand, not enough to use the number elsewhere.
 */
export function documentLast4(number: string): string {
  return number.slice(-4);
}

/** How lists, exports of audit data and the audit trail carry a number: `••••1234`. */
export function maskDocumentNumber(number: string): string {
  return `••••${documentLast4(number)}`;
}

/**
 * A phone number kept in international form (E.164: `+`, country code, subscriber number, 8 to
 * 15 digits in all). People type "+994 (50) 123-45-67": spaces, hyphens, dots and brackets are
 * taken out; a leading `00` counts as `+`. A number without the country code is refused rather
 * than guessed, as trainees come from many countries.
 */
export function normalisePhone(raw: string): string {
  const compact = raw.trim().replace(/[\s\-.()]+/g, '');
  return compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
}

export const PHONE_PATTERN = /^\+[1-9]\d{7,14}$/;

export function isPhone(value: unknown): value is string {
  return typeof value === 'string' && PHONE_PATTERN.test(value);
}

/** Normalises a document number before validation; other values are left for the validators. */
export const NormaliseDocumentNumber = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? normaliseDocumentNumber(value) : value,
  );

/** Normalises a phone number before validation; null (clear) and other values pass as they are. */
export const NormalisePhone = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? normalisePhone(value) : value,
  );

/** Letters and digits, 5 to 30 of them once spaces and hyphens are taken out. */
export function IsDocumentNumber(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isDocumentNumber',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => isDocumentNumber(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'number'} must be ${DOCUMENT_NUMBER_MIN} to ${DOCUMENT_NUMBER_MAX} letters and digits (spaces and hyphens are ignored)`,
      },
    });
}

/** An international phone number: + and the country code, then the number. */
export function IsPhone(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isPhone',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => isPhone(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'phone'} must be an international number: + and the country code, e.g. +994501234567`,
      },
    });
}
