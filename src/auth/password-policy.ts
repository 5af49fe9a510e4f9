import { registerDecorator, ValidationOptions } from 'class-validator';
import { dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

// About 49,000 passwords seen most often in breaches, from zxcvbn-ts's maintained list.
const COMMON_PASSWORDS = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/** Why a password is refused, or null when it is acceptable. Any characters are allowed. */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string') return 'must be a string';
  // Length counts characters as a person sees them, not UTF-16 code units.
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return 'is too common; choose a less predictable password';
  if (/^(.)\1+$/u.test(password)) return 'must not repeat a single character';
  return null;
}

export function IsAcceptablePassword(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isAcceptablePassword',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => passwordProblem(value) === null,
        defaultMessage: (args) =>
          `${args?.property ?? 'password'} ${passwordProblem(args?.value) ?? 'is not acceptable'}`,
      },
    });
}
