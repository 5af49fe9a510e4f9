import type { Lang } from '../../web/i18n.js';
import type { NotificationType } from '../notification-types.js';

/**
 * What one message says, before layout: the layout (layout.ts) turns it into a subject, a
 * plain-text body and an HTML body, escaping every value, so a template never writes markup
 * and a name holding `<script>` or a line break cannot change the message's structure.
 */
export interface MailContent {
  subject: string;
  /** The greeting's name, e.g. "Aysel Mammadova"; the layout words the greeting. */
  greetingName?: string | null;
  /** Paragraphs of plain text, in order. */
  paragraphs: string[];
  /** Label/value lines (course, dates, venue, serial), shown as a small table. */
  facts?: Array<[label: string, value: string]>;
  /** The one thing to do, as a button in HTML and a bare link in text. */
  action?: { label: string; url: string };
  /** Lines after the action (e.g. "If you did not ask for this, ignore this message"). */
  notes?: string[];
}

/** One message type in every language. `params` are the request's params (see each template). */
export type Template = (params: Record<string, unknown>, language: Lang) => MailContent;

export type TemplateSet = Partial<Record<NotificationType, Template>>;
