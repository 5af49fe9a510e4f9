/**
 * What a verifier's code looks like when written against the client types generated from the
 * OpenAPI document (openapi-typescript): a Data Integrity credential object and a vc+jwt string
 * both fit the body of POST /verify, and the answer's `status` includes `invalid`. Type-checked
 * by `npm run openapi:client-check` (CI) and test/openapi-lint.e2e-spec.ts; never run.
 */
import type { paths } from '../dist/openapi/schema.js';

type VerifyOperation = paths['/verify']['post'];
type VerifyBody = NonNullable<VerifyOperation['requestBody']>['content']['application/json'];
type VerifyAnswer = VerifyOperation['responses'][200]['content']['application/json'];

/** A Data Integrity credential as GET /api/v1/certificates/{id}/credential gives it. */
export const dataIntegrityBody: VerifyBody = {
  credential: {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ],
    id: 'urn:uuid:3b1b4a8e-2d3c-4f5e-8a9b-0c1d2e3f4a5b',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: {
      id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
      type: ['Profile'],
      name: 'Mine Action Center of Excellence',
    },
    validFrom: '2026-11-06T00:00:00Z',
    validUntil: '2029-11-06T23:59:59Z',
    credentialSubject: {
      type: ['AchievementSubject'],
      achievement: { id: 'https://coe.example/courses/EOD-2', name: 'EOD Level 2' },
    },
    credentialStatus: {
      id: 'https://coe.example/credentials/status/suspended-or-revoked-1/z6Mk#94567',
      type: 'BitstringStatusListEntry',
      statusPurpose: 'suspension',
      statusListIndex: '94567',
      statusListCredential: 'https://coe.example/credentials/status/suspended-or-revoked-1/z6Mk',
    },
    proof: [
      {
        type: 'DataIntegrityProof',
        cryptosuite: 'eddsa-rdfc-2022',
        created: '2026-11-06T10:00:00Z',
        verificationMethod:
          'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
        proofPurpose: 'assertionMethod',
        proofValue:
          'z58DAdFfa9SkqZMVPxAQpic7ndSayn1PzZs6ZjWp1CktyGesjuTSwRdoWhAfGFCF5bppETSTojQCrfFPP2oumHKtz',
      },
    ],
  },
};

/** The same credential in its vc+jwt form. */
export const vcJwtBody: VerifyBody = { credential: 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln' };

/** A verifier's decision: `invalid` is one of the documented answers. */
export function accepted(answer: VerifyAnswer): boolean {
  if (answer.status === 'invalid') return false;
  return answer.valid && answer.signatureValid && answer.checks.signature === 'valid';
}
