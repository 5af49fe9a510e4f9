import { wordRefusal } from '#error-wording';
import { MESSAGES, type Lang, type MessageKey } from '../web/i18n.js';
import type { ErrorBody } from './errors.js';
import { isErrorCode, type ErrorCode } from './error-codes.js';

/**
 * The words of each error code live once, beside the pages' other messages in
 * src/web/messages/{en,az,ru}.ts under `error.<CODE>`: the pages show them and the API
 * answers with them. Their `{placeholders}` are named after the error's `details` keys
 * (`{courseCode}`, `{missing}`), so the pages and the API fill them the same way.
 */
export const errorMessageKey = (code: ErrorCode): MessageKey => `error.${code}` as MessageKey;

/**
 * The code's message in a language, worded by the rule the pages use too (error-wording.js):
 * undefined when the language has no message for it or the details lack a value it names.
 */
export function codeMessage(
  lang: Lang,
  code: ErrorCode,
  details: Record<string, unknown> = {},
): string | undefined {
  return wordRefusal(lang, MESSAGES[lang] as Readonly<Record<string, string>>, code, details);
}

/**
 * A refusal reported inside a successful answer (a session's bulk issue lists whom it skipped
 * and why), worded like an error answer: the service's own sentence in English, else the
 * code's message (`error.<CODE>`, or NOT_ELIGIBLE's with the reason for an eligibility code).
 */
export function refusalMessage(
  lang: Lang,
  refusal: { code: string; message: string; details?: Record<string, unknown> },
): string {
  if (lang === 'en') return refusal.message;
  const worded = isErrorCode(refusal.code)
    ? codeMessage(lang, refusal.code, refusal.details)
    : codeMessage(lang, 'NOT_ELIGIBLE', { reason: refusal.code });
  return worded ?? refusal.message;
}

/** The status's general sentence (`error.status.409`), or the catch-all. */
function statusMessage(lang: Lang, status: number): string {
  const messages = MESSAGES[lang] as Readonly<Record<string, string>>;
  const key = `error.status.${status}`;
  return Object.hasOwn(messages, key) ? messages[key] : messages['error.unexpected'];
}

/**
 * An error answer in the caller's language. English keeps the service's own sentence (it is
 * the most specific, and clients and tests read it); other languages take the code's message,
 * else the status's. `code` and `details` never change with the language.
 */
export function localizeErrorBody(body: ErrorBody, lang: Lang): ErrorBody {
  if (lang === 'en') return body;
  const message =
    codeMessage(lang, body.code, body.details) ?? statusMessage(lang, body.statusCode);
  return { ...body, message };
}
