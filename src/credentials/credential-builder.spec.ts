import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { buildCredential, hashedEmail } from './credential-builder.js';

const facts = {
  serial: 'EOD1-2026-0042',
  holderName: 'Aynur Məmmədova',
  course: {
    code: 'EOD-1',
    title: 'EOD Level 1',
    description: '',
    level: 'Level 1',
    imasReferences: ['IMAS 09.30'],
    passMark: 70,
    minAttendancePercent: 90,
  },
  issuedAt: new Date('2026-11-06T12:00:00Z'),
  validUntil: '2028-11-05',
  status: { listNumber: 3, index: 4711 },
};
const issuer = { id: 'https://coe.example/issuer', name: 'CoE', url: 'https://coe.example' };

describe('the recipient identifier', () => {
  it('is sha256 of the trimmed, lower-cased address followed by the salt, in hex', () => {
    const salt = '00112233445566778899aabbccddeeff';
    const expected = createHash('sha256').update(`aynur@example.org${salt}`).digest('hex');
    expect(hashedEmail(' Aynur@Example.ORG ', salt)).toEqual({
      type: 'IdentityObject',
      identityHash: `sha256$${expected}`,
      identityType: 'emailAddress',
      hashed: true,
      salt,
    });
  });

  it('takes a fresh salt each time: two credentials of one person do not share the value', () => {
    const a = hashedEmail('aynur@example.org');
    const b = hashedEmail('aynur@example.org');
    expect(a.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(a.salt).not.toBe(b.salt);
    expect(a.identityHash).not.toBe(b.identityHash);
  });

  it('is left out when the register has no e-mail; the serial is always there', () => {
    const without = buildCredential('https://coe.example', issuer, facts);
    const withEmail = buildCredential('https://coe.example', issuer, {
      ...facts,
      holderEmail: 'aynur@example.org',
    });
    const identifiers = (c: Record<string, unknown>) =>
      (c.credentialSubject as { identifier: { identityType: string }[] }).identifier.map(
        (i) => i.identityType,
      );
    expect(identifiers(without)).toEqual(['identifier']);
    expect(identifiers(withEmail)).toEqual(['identifier', 'emailAddress']);
  });
});

describe('the status entry', () => {
  it('is one object, purpose suspension, in the suspended-or-revoked list of its number', () => {
    const credential = buildCredential('https://coe.example', issuer, facts);
    const url = 'https://coe.example/credentials/status/suspended-or-revoked-3';
    expect(credential.credentialStatus).toEqual({
      id: `${url}#4711`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'suspension',
      statusListIndex: '4711',
      statusListCredential: url,
    });
  });
});
