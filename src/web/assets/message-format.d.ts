/** Types of message-format.js (a plain browser module the server imports as it is). */
export function pluralCategory(lang: string, n: number): Intl.LDMLPluralRule;

export function formatMessage(
  lang: string,
  message: string,
  params?: Readonly<Record<string, unknown>>,
): string;

export interface Placeholder {
  name: string;
  /** The selectors a plural words (`one`, `few`, `=0`, `other`, ...); null for `{name}`. */
  selectors: string[] | null;
}

export function placeholders(message: string): Placeholder[];
