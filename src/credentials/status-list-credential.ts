import { VC_V2_CONTEXT } from './credential-builder.js';
import type { StatusPurpose } from './status-lists.service.js';

/**
 * A W3C BitstringStatusListCredential for one purpose and list. `validFrom` is left out of the
 * Data Integrity form: the list is current as served, and a wallet whose clock runs a little
 * behind ours would otherwise reject a freshly signed list as "not yet valid".
 */
export function buildStatusListCredential(
  url: string,
  issuer: { id: string; name: string },
  purpose: StatusPurpose,
  encodedList: string,
  options: { validFrom: Date | null } = { validFrom: new Date() },
): Record<string, unknown> {
  return {
    '@context': [VC_V2_CONTEXT],
    id: url,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: { id: issuer.id, name: issuer.name },
    ...(options.validFrom ? { validFrom: options.validFrom.toISOString() } : {}),
    credentialSubject: {
      id: `${url}#list`,
      type: 'BitstringStatusList',
      statusPurpose: purpose,
      encodedList,
    },
  };
}
