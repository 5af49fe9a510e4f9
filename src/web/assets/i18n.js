/* global document */
import { formatMessage } from './message-format.js';

/**
 * The page's messages (served per language from src/web/i18n.ts, the one source for the
 * server-rendered pages and these scripts). Dates stay YYYY-MM-DD in every language.
 */
let messages = {};
export const lang = document.body.dataset.lang || 'en';

export function setMessages(m) {
  messages = m;
}

/** The whole catalogue, for rules that pick a key themselves (error-wording.js). */
export function catalogue() {
  return messages;
}

export function has(key) {
  return Object.hasOwn(messages, key);
}

/**
 * `{name}` placeholders are filled from params, `{n, plural, …}` in the page language's plural
 * forms (message-format.js, which the server uses too); a missing key shows itself, never blank.
 */
export function t(key, params) {
  const message = has(key) ? messages[key] : key;
  return params ? formatMessage(lang, message, params) : message;
}

/** A label for an enum value (`status.open`), or the raw value when there is none. */
export function label(prefix, value) {
  if (value === null || value === undefined) return '';
  return has(`${prefix}.${value}`) ? messages[`${prefix}.${value}`] : String(value);
}

/** `2026-03-14T09:30:00.000Z` → `2026-03-14 09:30 UTC`. */
export function dateTime(iso) {
  if (typeof iso !== 'string') return '';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

/** The date part of a date or timestamp. */
export function day(value) {
  if (typeof value !== 'string') return '';
  return value.slice(0, 10);
}

/** Adds ?lang= to an internal link so the language sticks across pages. */
export function href(path, params = {}) {
  const url = new URL(path, document.baseURI);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
  }
  url.searchParams.set('lang', lang);
  return url.pathname + url.search + url.hash;
}
