import { VC_V2_CONTEXT } from './credential-builder.js';
import type { StatusPurpose } from './status-lists.service.js';

/**
 * How long a verifier may use a fetched list before fetching it again: the Bitstring Status
 * List's `ttl` (milliseconds) and the HTTP `max-age` of its responses say the same. Short,
 * because a suspension must reach verifiers soon; revalidation (ETag, 304) keeps it cheap.
 */
export const STATUS_LIST_TTL_MS = 60_000;

/**
 * A W3C BitstringStatusListCredential for one list. `validFrom` is the moment it was signed and
 * changes only with its content (the vc+jwt form needs it for `nbf`/`iat`); the Data Integrity
 * form leaves it out, as it is optional and a wallet whose clock runs a little behind ours
 * would otherwise reject a list re-signed a moment ago as "not yet valid".
 */
export function buildStatusListCredential(
  url: string,
  issuer: { id: string; name: string },
  purpose: StatusPurpose,
  encodedList: string,
  options: { validFrom: Date | null },
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
      ttl: STATUS_LIST_TTL_MS,
    },
  };
}
