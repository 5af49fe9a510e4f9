/**
 * The one message formatter, shared as it is by the pages (i18n.js imports it) and the server
 * (src/web/i18n.ts and src/common imports it as `#message-format`, see package.json "imports"),
 * so a message reads the same wherever it is shown. Two kinds of placeholder, ICU-like:
 *   `{name}`: the value of params.name;
 *   `{name, plural, one {# day} few {# дня} many {# дней} other {# days}}`: the form that the
 *   language's plural rules (Intl.PluralRules) pick for params.name, `#` standing for the
 *   number; `=0 {…}` matches one exact number. Forms may hold placeholders of their own.
 * A placeholder with no value stays visible as written, never blank.
 */

const NAME = /^\s*(\w+)\s*$/;
const PLURAL = /^\s*(\w+)\s*,\s*plural\s*,([\s\S]*)$/;
const SELECTOR = /^(?:=\d+|zero|one|two|few|many|other)$/;

const rules = new Map();

/** The plural category of a number in a language (`one`, `few`, `many`, `other`, ...). */
export function pluralCategory(lang, n) {
  if (!rules.has(lang)) rules.set(lang, new Intl.PluralRules(lang));
  return rules.get(lang).select(n);
}

/** Text and `{…}` blocks, alternating, at the top level (braces nest); an unclosed `{` is text. */
function split(message) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < message.length; i++) {
    if (message[i] === '{' && depth++ === 0) {
      parts.push(message.slice(start, i));
      start = i;
    } else if (message[i] === '}' && depth > 0 && --depth === 0) {
      parts.push({ inner: message.slice(start + 1, i) });
      start = i + 1;
    }
  }
  parts.push(message.slice(start));
  return parts;
}

/** A block read as a placeholder: `{name}`, or a plural's name and forms; null when neither. */
function placeholder(inner) {
  const simple = NAME.exec(inner);
  if (simple) return { name: simple[1], forms: null };
  const plural = PLURAL.exec(inner);
  if (!plural) return null;
  const parts = split(plural[2]);
  const forms = {};
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const selector = parts[i].trim();
    if (!SELECTOR.test(selector)) return null;
    forms[selector] = parts[i + 1].inner;
  }
  const complete = parts[parts.length - 1].trim() === '' && Object.hasOwn(forms, 'other');
  return complete ? { name: plural[1], forms } : null;
}

/** The message with its placeholders filled from params, plurals by the language's rules. */
export function formatMessage(lang, message, params = {}) {
  return render(lang, message, params, undefined);
}

/** `count` is the number `#` stands for inside a plural's form. */
function render(lang, message, params, count) {
  return split(message)
    .map((part) => {
      if (typeof part === 'string') return count === undefined ? part : part.replaceAll('#', count);
      const p = placeholder(part.inner);
      if (!p || !Object.hasOwn(params, p.name)) return `{${part.inner}}`;
      const value = params[p.name];
      if (!p.forms) return String(value);
      const n = Number(value);
      const form = p.forms[`=${n}`] ?? p.forms[pluralCategory(lang, n)] ?? p.forms.other;
      return render(lang, form, params, String(value));
    })
    .join('');
}

/**
 * Every placeholder of a message, those inside plural forms too: its name and, for a plural,
 * the selectors it words (`one`, `few`, `other`, ...), so tests can check a message is complete.
 */
export function placeholders(message) {
  return split(message).flatMap((part) => {
    const p = typeof part === 'string' ? null : placeholder(part.inner);
    if (!p) return [];
    const own = { name: p.name, selectors: p.forms ? Object.keys(p.forms) : null };
    return [own, ...Object.values(p.forms ?? {}).flatMap(placeholders)];
  });
}
