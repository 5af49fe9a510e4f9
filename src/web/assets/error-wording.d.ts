/** Types of error-wording.js (a plain browser module the server imports as it is). */
export function refusalKey(code: string, details?: Readonly<Record<string, unknown>>): string;

export function wordRefusal(
  lang: string,
  messages: Readonly<Record<string, string>>,
  code: string,
  details?: Readonly<Record<string, unknown>>,
): string | undefined;
