import { describe, expect, it } from '@jest/globals';
import { LANGUAGES } from '../../web/i18n.js';
import { NOTIFICATION_TYPES } from '../notification-types.js';
import { renderMessage } from './layout.js';
import { TEMPLATES } from './index.js';

/**
 * Every message type the service may queue has a template that renders in every language
 * (the Notifier refuses a type without one). Params are empty here: a template must still
 * produce a subject and a body rather than throw on a missing value.
 */
describe('templates', () => {
  it.each(NOTIFICATION_TYPES)('%s renders in en, az and ru', (type) => {
    const template = TEMPLATES[type];
    expect(template).toBeDefined();
    for (const language of LANGUAGES) {
      const message = renderMessage(template!({}, language), language, 'CoE');
      expect(message.subject.length).toBeGreaterThan(0);
      expect(message.text.length).toBeGreaterThan(0);
      expect(message.html).toContain(`<html lang="${language}">`);
    }
  });
});
