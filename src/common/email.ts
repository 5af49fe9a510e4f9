import { Transform } from 'class-transformer';
import { isEmail, registerDecorator, type ValidationOptions } from 'class-validator';

/*
 * E-mail addresses that name an account (users, instructors). Two addresses that look the same
 * must either be the same address or one of them refused, or a look-alike account can pass for
 * a real one (`аdmin@` with a Cyrillic а, a zero-width space, a dotless ı).
 *
 * Addresses are normalised (NFKC, lower case), so fullwidth or compatibility spellings become
 * the ordinary address. Then an address is refused if it holds invisible characters, mixes
 * writing systems within its name or a domain label (UTS #39's "highly restrictive" level), uses
 * Latin letters that imitate other Latin letters, or is written in Cyrillic or Greek letters
 * that all look Latin. Addresses in one script (`ayşe.gül@`, `иван@`) are fine.
 */

export const EMAIL_MAX_LENGTH = 254;

/** The stored form: NFKC, trimmed, lower case (Turkish İ as i), NFKC again after lowering. */
export function normaliseEmail(input: string): string {
  return input
    .normalize('NFKC')
    .trim()
    .replace(/\u0130/g, 'i')
    .toLowerCase()
    .normalize('NFKC');
}

// Controls, format characters (zero-width space, soft hyphen, bidi overrides), spaces, private
// use, unassigned code points, lone surrogates and everything else Unicode says to draw as
// nothing.
const INVISIBLE =
  /[\p{Cc}\p{Cf}\p{Z}\p{Co}\p{Cn}\p{Cs}\p{Default_Ignorable_Code_Point}\p{Variation_Selector}]/u;

// A combining mark on a Latin, Greek or Cyrillic letter, on a digit or punctuation: after NFKC,
// real accented letters are precomposed, so a leftover mark only disguises its base.
const STRAY_MARK =
  /(?:^|[\p{sc=Latin}\p{sc=Greek}\p{sc=Cyrillic}\p{sc=Common}\p{sc=Inherited}])\p{M}/u;

const SCRIPTS = [
  'Latin',
  'Cyrillic',
  'Greek',
  'Armenian',
  'Georgian',
  'Hebrew',
  'Arabic',
  'Syriac',
  'Thaana',
  'Devanagari',
  'Bengali',
  'Gurmukhi',
  'Gujarati',
  'Oriya',
  'Tamil',
  'Telugu',
  'Kannada',
  'Malayalam',
  'Sinhala',
  'Thai',
  'Lao',
  'Tibetan',
  'Myanmar',
  'Khmer',
  'Mongolian',
  'Ethiopic',
  'Cherokee',
  'Han',
  'Hiragana',
  'Katakana',
  'Bopomofo',
  'Hangul',
].map((name) => ({ name, test: new RegExp(`^\\p{Script=${name}}$`, 'u') }));

/** Scripts written together (Japanese, Chinese, Korean, each with Latin): UTS #39. */
const SCRIPT_MIXES = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Bopomofo']),
  new Set(['Latin', 'Han', 'Hangul']),
];

const scriptOf = (letter: string) => SCRIPTS.find((s) => s.test.test(letter))?.name ?? 'Other';

/**
 * Latin letters that are not an ASCII letter with accents (é, ş, ğ, ö decompose to one) but are
 * letters of real alphabets and do not pass for another letter. Anything else Latin and
 * non-ASCII (dotless ı, ɑ, ɡ, small capitals) is refused as a look-alike.
 */
const OWN_LATIN_LETTERS = new Set([...'əßæøœłđħþðŋ']);

/** Cyrillic and Greek lower-case letters that look like Latin ones (Unicode confusables). */
const LATIN_LOOKALIKES = new Set([...'асԁеһіјӏорԛѕԝхуүαιγνορυ']);

function labelProblem(label: string): string | null {
  const letters = [...label].filter((c) => /\p{L}/u.test(c));
  const scripts = new Set(letters.map(scriptOf));
  if (scripts.size > 1 && !SCRIPT_MIXES.some((mix) => [...scripts].every((s) => mix.has(s)))) {
    return 'must not mix writing systems (such as Latin and Cyrillic) in one name or domain label';
  }
  const lookalike = letters.find(
    (c) =>
      scriptOf(c) === 'Latin' && !/^[a-z]/.test(c.normalize('NFD')) && !OWN_LATIN_LETTERS.has(c),
  );
  if (lookalike) {
    return `must not use the letter "${lookalike}" (U+${lookalike.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}), which imitates another letter`;
  }
  if (
    letters.length > 0 &&
    (scripts.has('Cyrillic') || scripts.has('Greek')) &&
    letters.every((c) => LATIN_LOOKALIKES.has(c))
  ) {
    return 'must not be written only in letters that look Latin';
  }
  return null;
}

/** Why this (normalised) address may not name an account, or null. Does not check the syntax. */
export function lookAlikeProblem(email: string): string | null {
  if (INVISIBLE.test(email)) {
    return 'must not contain invisible, control or space characters';
  }
  const at = email.lastIndexOf('@');
  const labels = [email.slice(0, Math.max(at, 0)), ...email.slice(at + 1).split('.')];
  if (labels.some((label) => STRAY_MARK.test(label))) {
    return 'must not contain combining marks on Latin, Greek or Cyrillic letters';
  }
  for (const label of labels) {
    const problem = labelProblem(label);
    if (problem) return problem;
  }
  return null;
}

/** Why the value cannot be an account's e-mail address, or null. Expects the normalised form. */
export function accountEmailProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > EMAIL_MAX_LENGTH) {
    return `must be shorter than or equal to ${EMAIL_MAX_LENGTH} characters`;
  }
  if (!isEmail(value)) return 'must be an email';
  return lookAlikeProblem(value);
}

/**
 * An account's e-mail address: normalised (see normaliseEmail), then refused with one clear
 * message if it is not an address or could pass for another one.
 */
export function IsAccountEmail(options?: ValidationOptions) {
  const normalise = Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? normaliseEmail(value) : value,
  );
  return (target: object, propertyName: string) => {
    normalise(target, propertyName);
    registerDecorator({
      name: 'isAccountEmail',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => accountEmailProblem(value) === null,
        defaultMessage: (args) =>
          `${args?.property ?? 'email'} ${accountEmailProblem(args?.value) ?? 'is not acceptable'}`,
      },
    });
  };
}
