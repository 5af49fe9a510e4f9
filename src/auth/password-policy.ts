import { registerDecorator, ValidationOptions } from 'class-validator';
import { dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

export const PASSWORD_RULES =
  '12 to 128 characters. Refused: common passwords, also with changed case, look-alike characters (P@ssw0rd) or digits, years and symbols around them (Welcome2026!), and passwords made of the service name or the e-mail address';

/*
 * ASVS 5.0 asks for a check against breached passwords (6.2.12) and against words of the
 * service's own context (6.2.11). Breached lists hold base words; people, and the cracking rules
 * attackers run against a stolen hash, turn them into `P@ssw0rd2026` or `Welcome2026!`. So the
 * policy undoes those same changes (case, leet characters, digits, years and symbols at either
 * end, separators, reversal, repetition) and looks the base word up. Fast (under a
 * millisecond) and deterministic, unlike a strength estimator's score: zxcvbn-ts, tried here,
 * took 35-210 ms per password and still scored `Demining-Demo-2026` 4 out of 4.
 */

// About 49,000 passwords seen most often in breaches, from zxcvbn-ts's maintained list.
const BREACHED = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/** The service's own words, which people build its passwords from (and the demo password's). */
export const SERVICE_WORDS = [
  'demining',
  'deminer',
  'landmine',
  'minefield',
  'mineaction',
  'mines',
  'mine',
  'demo',
  'coe',
  'anama',
  'undp',
  'excellence',
  'centre',
  'center',
];

/** A context word may make up a password only with at least this many letters of one's own. */
const OWN_LETTERS = 6;

// Characters written for letters. Digit one and friends stand for i or l: both are tried.
const LEET: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '8': 'b',
  '(': 'c',
  '3': 'e',
  '6': 'g',
  '9': 'g',
  '0': 'o',
  $: 's',
  '5': 's',
  '7': 't',
  '+': 't',
  '1': 'i',
  '!': 'i',
  '|': 'i',
};
const unleet = (text: string, one: 'i' | 'l') =>
  [...text]
    .map((c) => {
      const letter = LEET[c];
      return letter === 'i' ? one : (letter ?? c);
    })
    .join('');

const isLetter = (c: string) => /\p{L}/u.test(c);

/** Case and compatibility forms folded: `ＰＡＳＳ` and `Pass` are `pass`. */
const fold = (password: string) => password.normalize('NFKC').toLowerCase();

/**
 * The word in the middle: digits, years and symbols at either end stripped, except leet
 * characters next to the letters, which may belong to the word (`@dmin`, `passw0rd0`).
 */
function cores(folded: string): string[] {
  const chars = [...folded];
  let start = 0;
  while (start < chars.length && !isLetter(chars[start])) start++;
  let end = chars.length;
  while (end > start && !isLetter(chars[end - 1])) end--;
  if (start === end) return [];
  const starts = [start];
  for (let i = start - 1; i >= Math.max(0, start - 3) && LEET[chars[i]]; i--) starts.push(i);
  const ends = [end];
  for (let i = end; i < Math.min(chars.length, end + 3) && LEET[chars[i]]; i++) ends.push(i + 1);
  return starts.flatMap((s) => ends.map((e) => chars.slice(s, e).join('')));
}

function isBreachedWord(word: string): boolean {
  const candidates = [word, unleet(word, 'i'), unleet(word, 'l')].flatMap((w) => {
    const joined = w.replace(/[\s._-]+/g, '');
    return [w, joined, [...joined].reverse().join(''), /^(.+?)\1+$/u.exec(joined)?.[1] ?? ''];
  });
  return candidates.some((c) => c.length > 0 && BREACHED.has(c));
}

function isBreachedBase(folded: string): boolean {
  return BREACHED.has(folded) || cores(folded).some(isBreachedWord);
}

/** Words from the account's e-mail address: the name, its parts, the domain's labels. */
function emailWords(email: string | undefined): string[] {
  if (!email) return [];
  const at = email.lastIndexOf('@');
  const name = fold(email.slice(0, Math.max(at, 0)));
  const domainLabels = fold(email.slice(at + 1))
    .split('.')
    .slice(0, -1);
  return [name, ...name.split(/[._+-]+/), ...domainLabels];
}

/**
 * The letters of the password not covered by a context word, or null when it has none.
 * Positions are found in the folded password and in its leet-undone forms (same length).
 */
function ownLetters(folded: string, words: string[]): string | null {
  const chars = [...folded];
  const covered = new Array<boolean>(chars.length).fill(false);
  for (const variant of [chars, [...unleet(folded, 'i')], [...unleet(folded, 'l')]]) {
    const text = variant.join('');
    for (const word of words) {
      for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
        // indexOf counts UTF-16 units; map back to characters.
        const from = [...text.slice(0, i)].length;
        for (let k = 0; k < [...word].length; k++) covered[from + k] = true;
      }
    }
  }
  if (!covered.includes(true)) return null;
  return chars.filter((c, i) => !covered[i] && isLetter(c)).join('');
}

/** The same character throughout, or a plain run (`123456789012`, `abcdefghijkl`). */
function isRun(password: string): boolean {
  const points = [...password].map((c) => c.codePointAt(0)!);
  const step = points[1] - points[0];
  return Math.abs(step) <= 1 && points.every((p, i) => i === 0 || p - points[i - 1] === step);
}

export interface PasswordContext {
  /** The account's e-mail address, whose parts may not make up its password. */
  email?: string;
}

/** Why a password is refused, or null when it is acceptable. Any characters are allowed. */
export function passwordProblem(password: unknown, context: PasswordContext = {}): string | null {
  if (typeof password !== 'string') return 'must be a string';
  // Length counts characters as a person sees them, not UTF-16 code units.
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (/^(.)\1+$/u.test(password)) return 'must not repeat a single character';
  if (isRun(password)) return 'must not be a plain run of characters such as 123456789012';
  const folded = fold(password);
  if (isBreachedBase(folded)) {
    return 'is a common password, or one with small changes (case, look-alike characters, digits, years or symbols); choose a less predictable one';
  }
  const words = [...SERVICE_WORDS, ...emailWords(context.email)]
    .filter((w) => [...w].length >= 3)
    .sort((a, b) => b.length - a.length);
  const own = ownLetters(folded, words);
  if (own !== null && ([...own].length < OWN_LETTERS || isBreachedBase(own))) {
    return 'is built from the service name, the demo password or the e-mail address; add words of your own';
  }
  return null;
}

/**
 * The password rules, for a DTO. `emailField` names the sibling field holding the account's
 * e-mail address, whose parts may not make up the password.
 */
export function IsAcceptablePassword(
  settings: { emailField?: string } = {},
  options?: ValidationOptions,
) {
  const problem = (value: unknown, object: object | undefined) => {
    const email = settings.emailField
      ? (object as Record<string, unknown> | undefined)?.[settings.emailField]
      : undefined;
    return passwordProblem(value, { email: typeof email === 'string' ? email : undefined });
  };
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isAcceptablePassword',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown, args) => problem(value, args?.object) === null,
        defaultMessage: (args) =>
          `${args?.property ?? 'password'} ${problem(args?.value, args?.object) ?? 'is not acceptable'}`,
      },
    });
}
