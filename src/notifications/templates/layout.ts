import type { Lang } from '../../web/i18n.js';
import type { RenderedMessage } from '../notification-types.js';
import type { MailContent } from './template.js';

/**
 * Turns what a template says (MailContent) into the message: a one-line subject, a plain-text
 * body and an HTML body. Every value is escaped here, once, so no template writes markup and
 * a name holding `<script>` or a line break changes neither the HTML nor the headers.
 */
export function renderMessage(
  content: MailContent,
  language: Lang,
  centerName: string,
): RenderedMessage {
  const words = WORDS[language];
  const greeting = words.greeting(oneLine(content.greetingName ?? '') || null);
  const footer = words.footer(oneLine(centerName));
  const facts = (content.facts ?? []).map(([label, value]) => [oneLine(label), value] as const);
  const action = content.action && safeUrl(content.action.url) ? content.action : null;
  const notes = content.notes ?? [];

  const text = [
    greeting,
    ...content.paragraphs,
    ...(facts.length ? [facts.map(([label, value]) => `${label}: ${value}`).join('\n')] : []),
    ...(action ? [`${action.label}:\n${action.url}`] : []),
    ...notes,
    `-- \n${footer}`,
  ]
    .map(normaliseNewlines)
    .join('\n\n');

  const html = [
    '<!DOCTYPE html>',
    `<html lang="${language}"><head><meta charset="utf-8">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(oneLine(content.subject))}</title></head>`,
    '<body style="margin:0;padding:0;background:#f4f5f7;">',
    '<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1d2430;">',
    `<p style="margin:0 0 16px;">${escapeHtml(greeting)}</p>`,
    ...content.paragraphs.map((p) => `<p style="margin:0 0 16px;">${paragraph(p)}</p>`),
    ...(facts.length
      ? [
          '<table role="presentation" style="border-collapse:collapse;margin:0 0 16px;">',
          ...facts.map(
            ([label, value]) =>
              `<tr><th scope="row" style="text-align:left;vertical-align:top;padding:4px 16px 4px 0;font-weight:bold;">${escapeHtml(label)}</th>` +
              `<td style="padding:4px 0;">${paragraph(value)}</td></tr>`,
          ),
          '</table>',
        ]
      : []),
    ...(action
      ? [
          `<p style="margin:24px 0;"><a href="${escapeHtml(action.url)}" style="display:inline-block;padding:10px 18px;background:#1f5fa8;color:#ffffff;text-decoration:none;border-radius:4px;">${escapeHtml(oneLine(action.label))}</a></p>`,
          `<p style="margin:0 0 16px;font-size:13px;color:#4a5565;">${escapeHtml(words.linkHint)}<br><a href="${escapeHtml(action.url)}" style="color:#1f5fa8;word-break:break-all;">${escapeHtml(action.url)}</a></p>`,
        ]
      : []),
    ...notes.map((n) => `<p style="margin:0 0 16px;color:#4a5565;">${paragraph(n)}</p>`),
    `<hr style="border:none;border-top:1px solid #d5d9e0;margin:24px 0 12px;">`,
    `<p style="margin:0;font-size:12px;color:#6b7483;">${escapeHtml(footer)}</p>`,
    '</div></body></html>',
  ].join('\n');

  return { subject: oneLine(content.subject), text, html };
}

/** `&`, `<`, `>`, `"` and `'` as entities: safe in element text and in quoted attributes. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * One line for a subject or a label: line breaks, tabs and other control characters become a
 * space. nodemailer encodes headers too; this keeps a subject readable whatever it was given.
 */
export function oneLine(value: string): string {
  return value.replace(CONTROL_RUNS, ' ').replace(/ {2,}/g, ' ').trim();
}

/** Runs of C0/C1 control characters and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex
export const CONTROL_RUNS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** A paragraph's text escaped, its own line breaks kept as <br>. */
function paragraph(value: string): string {
  return normaliseNewlines(value).split('\n').map(escapeHtml).join('<br>');
}

function normaliseNewlines(value: string): string {
  return value.replace(/\r\n?|[\u2028\u2029]/g, '\n');
}

/** Only web links become buttons; anything else (javascript:, data:) is dropped. */
function safeUrl(url: string): boolean {
  return /^https?:\/\/[^\s<>"']+$/i.test(url);
}

interface LayoutWords {
  greeting: (name: string | null) => string;
  linkHint: string;
  footer: (center: string) => string;
}

const WORDS: Record<Lang, LayoutWords> = {
  en: {
    greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
    linkHint: 'If the button does not work, copy this link into your browser:',
    footer: (center) =>
      `${center}. This message was sent automatically; please do not reply to it.`,
  },
  az: {
    greeting: (name) => (name ? `Hörmətli ${name},` : 'Salam,'),
    linkHint: 'Düymə işləməsə, bu keçidi kopyalayıb brauzerinizə yapışdırın:',
    footer: (center) =>
      `${center}. Bu məktub avtomatik göndərilib; zəhmət olmasa, ona cavab yazmayın.`,
  },
  ru: {
    greeting: (name) => (name ? `Здравствуйте, ${name}!` : 'Здравствуйте!'),
    linkHint: 'Если кнопка не работает, скопируйте эту ссылку в адресную строку браузера:',
    footer: (center) =>
      `${center}. Это письмо отправлено автоматически, пожалуйста, не отвечайте на него.`,
  },
};
