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
    credentialStatus: STATUS_PURPOSES.map((purpose) => ({
      id: `${statusListUrl(baseUrl, purpose, facts.status.listNumber)}#${facts.status.index}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: purpose,
      statusListIndex: String(facts.status.index),
      statusListCredential: statusListUrl(baseUrl, purpose, facts.status.listNumber),
    })),
  };
}
