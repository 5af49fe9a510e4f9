import {
  statusListId,
  type StatusPosition,
  type StatusPurpose,
  STATUS_PURPOSES,
} from './status-lists.service.js';

/** What a credential says, independent of how it is secured (vc+jwt now, Data Integrity too). */
export interface CredentialFacts {
  serial: string;
  holderName: string;
  course: {
    code: string;
    title: string;
    description: string;
    level: string;
    imasReferences: string[];
    passMark: number;
    minAttendancePercent: number;
  };
  issuedAt: Date;
  validUntil: string | null;
  status: StatusPosition;
}

export interface IssuerFacts {
  id: string;
  name: string;
  url: string;
}

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_V3_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

export function verificationUrl(baseUrl: string, serial: string): string {
  return `${baseUrl}/verify/${encodeURIComponent(serial)}`;
}

export function statusListUrl(baseUrl: string, purpose: StatusPurpose, listNumber: number): string {
  return `${baseUrl}/credentials/status/${statusListId(purpose, listNumber)}`;
}

/**
 * The Data Integrity form's lists are published once per signing key: a verifier requires the
 * status list's issuer to be the credential's issuer, and each key is its own did:key, so a list
 * signed by today's key could not speak for credentials signed before a rotation.
 */
export function dataIntegrityStatusListUrl(
  baseUrl: string,
  purpose: StatusPurpose,
  listNumber: number,
  keyFingerprint: string,
): string {
  return `${statusListUrl(baseUrl, purpose, listNumber)}/${keyFingerprint}`;
}

/** The last valid day (inclusive) as the instant it ends. */
export function endOfDay(date: string): string {
  return `${date}T23:59:59Z`;
}

/**
 * A W3C VC 2.0 credential in the Open Badges 3.0 shape. The holder is named (an employer has to
 * match the person in front of them) but no date of birth or contact details are included.
 */
export function buildCredential(
  baseUrl: string,
  issuer: IssuerFacts,
  facts: CredentialFacts,
): Record<string, unknown> {
  const { course } = facts;
  return {
    '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT],
    id: verificationUrl(baseUrl, facts.serial),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: `${course.title} (${course.code})`,
    issuer: { id: issuer.id, type: ['Profile'], name: issuer.name, url: issuer.url },
    validFrom: facts.issuedAt.toISOString(),
    ...(facts.validUntil ? { validUntil: endOfDay(facts.validUntil) } : {}),
    credentialSubject: {
      type: ['AchievementSubject'],
      name: facts.holderName,
      identifier: [
        {
          type: 'IdentityObject',
          identityHash: facts.serial,
          identityType: 'identifier',
          hashed: false,
        },
      ],
      achievement: {
        id: `${baseUrl}/achievements/${encodeURIComponent(course.code)}`,
        type: ['Achievement'],
        achievementType: 'Certificate',
        name: course.title,
        description: course.description || course.title,
        criteria: {
          narrative: `Completed the ${course.title} course (${course.level}) with at least ${course.minAttendancePercent}% attendance and a score of at least ${course.passMark} in both theory and practical assessments.`,
        },
        humanCode: course.code,
        alignment: course.imasReferences.map((ref) => ({
          type: ['Alignment'],
          targetName: ref,
          targetFramework: 'International Mine Action Standards (IMAS)',
          targetUrl: 'https://www.mineactionstandards.org/standards/',
          targetType: 'ext:IMAS',
        })),
      },
    },
    credentialStatus: statusEntries(facts.status, (purpose) =>
      statusListUrl(baseUrl, purpose, facts.status.listNumber),
    ),
  };
}

export interface DataIntegrityIssuer {
  did: string;
  keyFingerprint: string;
  name: string;
  url: string;
}

/**
 * The Open Badges 3.0 credential for wallets: the very claims of the vc+jwt form (so the two
 * forms of a certificate cannot disagree), issued by the did:key of the signing key, with
 * status entries pointing at that key's Data Integrity status lists (same bits, same position).
 */
export function dataIntegrityForm(
  credential: Record<string, unknown>,
  baseUrl: string,
  issuer: DataIntegrityIssuer,
  status: StatusPosition,
): Record<string, unknown> {
  return {
    ...credential,
    issuer: { id: issuer.did, type: ['Profile'], name: issuer.name, url: issuer.url },
    credentialStatus: statusEntries(status, (purpose) =>
      dataIntegrityStatusListUrl(baseUrl, purpose, status.listNumber, issuer.keyFingerprint),
    ),
  };
}

/** One entry per purpose: the same index in the revocation and the suspension list. */
function statusEntries(
  status: StatusPosition,
  listUrl: (purpose: StatusPurpose) => string,
): Record<string, string>[] {
  return STATUS_PURPOSES.map((purpose) => ({
    id: `${listUrl(purpose)}#${status.index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: purpose,
    statusListIndex: String(status.index),
    statusListCredential: listUrl(purpose),
  }));
}
