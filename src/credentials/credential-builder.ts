import { createHash, randomBytes } from 'node:crypto';
import {
  CURRENT_STATUS_LIST,
  STATUS_LIST_KINDS,
  statusListId,
  type StatusListKind,
  type StatusPosition,
} from './status-lists.service.js';

/** What a credential says, independent of how it is secured (vc+jwt now, Data Integrity too). */
export interface CredentialFacts {
  serial: string;
  holderName: string;
  /** The trainee's e-mail when the register has one: carried only as a salted hash. */
  holderEmail?: string | null;
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

export function statusListUrl(baseUrl: string, kind: StatusListKind, listNumber: number): string {
  return `${baseUrl}/credentials/status/${statusListId(kind, listNumber)}`;
}

/**
 * The Data Integrity form's lists are published once per signing key: a verifier requires the
 * status list's issuer to be the credential's issuer, and each key is its own did:key, so a list
 * signed by today's key could not speak for credentials signed before a rotation.
 */
export function dataIntegrityStatusListUrl(
  baseUrl: string,
  kind: StatusListKind,
  listNumber: number,
  keyFingerprint: string,
): string {
  return `${statusListUrl(baseUrl, kind, listNumber)}/${keyFingerprint}`;
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
        ...(facts.holderEmail ? [hashedEmail(facts.holderEmail)] : []),
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
    credentialStatus: statusEntry(
      facts.status,
      statusListUrl(baseUrl, CURRENT_STATUS_LIST, facts.status.listNumber),
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
    credentialStatus: statusEntry(
      status,
      dataIntegrityStatusListUrl(
        baseUrl,
        CURRENT_STATUS_LIST,
        status.listNumber,
        issuer.keyFingerprint,
      ),
    ),
  };
}

/**
 * One entry, as Open Badges 3.0 allows one `credentialStatus` object: in the list whose bit is
 * set while the certificate is suspended or revoked (see STATUS_LIST_KINDS).
 */
function statusEntry(status: StatusPosition, listUrl: string): Record<string, string> {
  return {
    id: `${listUrl}#${status.index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: STATUS_LIST_KINDS[CURRENT_STATUS_LIST].purpose,
    statusListIndex: String(status.index),
    statusListCredential: listUrl,
  };
}

/**
 * The holder's e-mail as an Open Badges IdentityObject: `sha256$` and the hex SHA-256 of the
 * address (trimmed, lower-cased) followed by a random salt, so whoever knows the person's
 * address can confirm the credential is theirs, while the credential does not give the address
 * away (a fresh salt per credential also keeps two credentials of one person from being linked
 * by this value).
 */
export function hashedEmail(email: string, salt = randomBytes(16).toString('hex')) {
  return {
    type: 'IdentityObject',
    identityHash: `sha256$${createHash('sha256')
      .update(normalisedEmail(email) + salt, 'utf8')
      .digest('hex')}`,
    identityType: 'emailAddress',
    hashed: true,
    salt,
  };
}

export function normalisedEmail(email: string): string {
  return email.trim().toLowerCase();
}
