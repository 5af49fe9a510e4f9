import { formatMessage } from '#message-format';
import { az } from './messages/az.js';
import { en } from './messages/en.js';
import { ru } from './messages/ru.js';
import type { Messages } from './messages/types.js';

/**
 * The web pages' languages and messages (in messages/, one file per language). English is
 * the reference: its keys define `MessageKey`, and the other languages must translate every
 * one of them (the compiler and a unit test both check). The same messages serve the
 * server-rendered pages and, as a generated module, the browser scripts. Dates are never
 * localised: pages show `YYYY-MM-DD`, which reads the same in all three languages.
 */
export const LANGUAGES = ['en', 'az', 'ru'] as const;
export type Lang = (typeof LANGUAGES)[number];

/** Each language named in itself, for the language switch. */
export const LANGUAGE_NAMES: Record<Lang, string> = {
  en: 'English',
  az: 'Azərbaycanca',
  ru: 'Русский',
};

import type { MessageKey } from './messages/types.js';
export type { MessageKey };

export const MESSAGES: Readonly<Record<Lang, Messages>> = { en, az, ru };

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * A message with its placeholders filled, counts in the language's plural forms (the pages'
 * own formatter, src/web/assets/message-format.js); an unknown placeholder stays visible.
 */
export function t(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  const message = MESSAGES[lang][key];
  return params ? formatMessage(lang, message, params) : message;
}

// Real browsers send a handful of entries; a longer header is not worth parsing.
const MAX_ACCEPT_LANGUAGE = 512;

/** `?lang=` wins when it names a language we have; then Accept-Language by q-value; then English. */
export function pickLanguage(queryLang: unknown, acceptLanguage: string | undefined): Lang {
  const fromQuery = typeof queryLang === 'string' ? queryLang.trim().toLowerCase() : undefined;
  if (isLang(fromQuery)) return fromQuery;
  return fromAcceptLanguage(acceptLanguage) ?? 'en';
}

function fromAcceptLanguage(header: string | undefined): Lang | undefined {
  if (typeof header !== 'string') return undefined;
  const ranges = header
    .slice(0, MAX_ACCEPT_LANGUAGE)
    .split(',')
    .map((part, order) => {
      const [tag, ...params] = part.trim().split(';');
      // A region or script (az-AZ, az-Latn-AZ, ru-RU) still names the language.
      const primary = tag.trim().toLowerCase().split('-')[0];
      return { primary, q: quality(params), order };
    })
    .filter((r) => r.q > 0)
    // Stable by header order when q-values tie, as the client listed them.
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return ranges.map((r) => r.primary).find(isLang);
}

/** The q parameter, 1 when absent; a malformed one counts as "not acceptable". */
function quality(params: string[]): number {
  const q = params.find((p) => /^\s*q\s*=/i.test(p));
  if (q === undefined) return 1;
  const m = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(q);
  return m ? Math.min(Number(m[1]), 1) : 0;
}
