import type { NotificationType } from '../notification-types.js';
import { ACCOUNT_TEMPLATES } from './account.js';
import { CERTIFICATE_TEMPLATES } from './certificate.js';
import { ENROLMENT_TEMPLATES } from './enrolment.js';
import { EXPIRY_TEMPLATES } from './expiry.js';
import type { Template, TemplateSet } from './template.js';

/**
 * Every message's template, by type. Each set lives with the words of its messages (en, az,
 * ru in the same file); its owner adds its import and spread here.
 */
export const TEMPLATES: TemplateSet = {
  ...ACCOUNT_TEMPLATES,
  ...ENROLMENT_TEMPLATES,
  ...CERTIFICATE_TEMPLATES,
  ...EXPIRY_TEMPLATES,
};

export function templateFor(type: NotificationType): Template | undefined {
  return TEMPLATES[type];
}
