import { describe, expect, it } from '@jest/globals';
import { LANGUAGES, MESSAGES } from './i18n.js';
import { VOCABULARY, WebAssets } from './web-assets.js';

/** The message prefix the pages label each list's values with. */
const LABELS: Record<keyof typeof VOCABULARY, string> = {
  LANGUAGES: 'language',
  ROLES: 'role',
  STATUS_REASONS: 'reason',
  AUDIT_ENTITY_TYPES: 'entity',
  AUDIT_ACTIONS: 'action',
  SEAT_HOLDING: 'enrolStatus',
  AWAITING_SESSION: 'enrolStatus',
  CLOSED_SESSION_STATUSES: 'sessionStatus',
  RUNNING_SESSION_STATUSES: 'sessionStatus',
  NOTIFICATION_TYPES: 'notificationType',
  NOTIFICATION_STATUSES: 'notificationStatus',
  IMPORT_KINDS: 'importKind',
  EXPORT_KINDS: 'exportKind',
};

describe('vocabulary served to the pages', () => {
  it('is the server constants, as one module', () => {
    const asset = new WebAssets().get('vocabulary.js');
    const source = asset!.body.toString('utf8');
    for (const [name, list] of Object.entries(VOCABULARY))
      expect(source).toContain(`export const ${name} = ${JSON.stringify(list)};`);
  });

  it('has a label for every value in every language', () => {
    const missing: string[] = [];
    for (const lang of LANGUAGES)
      for (const [name, list] of Object.entries(VOCABULARY))
        for (const value of list) {
          const key = `${LABELS[name as keyof typeof VOCABULARY]}.${value}`;
          if (!(key in MESSAGES[lang])) missing.push(`${lang}: ${key}`);
        }
    expect(missing).toEqual([]);
  });
});
