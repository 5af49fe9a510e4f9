import { VC_V2_CONTEXT } from './credential-builder.js';
import type { StatusPurpose } from './status-lists.service.js';

/** A W3C BitstringStatusListCredential for one purpose and list. */
export function buildStatusListCredential(
  url: string,
  issuer: { id: string; name: string },
  purpose: StatusPurpose,
  encodedList: string,
): Record<string, unknown> {
  return {
    '@context': [VC_V2_CONTEXT],
    id: url,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: { id: issuer.id, name: issuer.name },
    validFrom: new Date().toISOString(),
    credentialSubject: {
      id: `${url}#list`,
      type: 'BitstringStatusList',
      statusPurpose: purpose,
      encodedList,
    },
  };
}
