import { describe, expect, it } from '@jest/globals';
import { disagreements, holderMatches } from './assets/verify-qr.js';
import { renderVerificationPage, type VerificationView } from './verification-page.js';

const claims = {
  iss: 'https://coe.example.az/issuer',
  sn: 'COE-EOD2-2026-7KQ4M2',
  nm: 'Gülnarə Əliheydər qızı Məmmədquliyeva',
  cc: 'EOD-2',
  ct: 'EOD Level 2',
  cl: 'Level 2',
  iat: '2026-11-06',
  vu: '2028-11-05',
  sl: [1, 42] as [number, number],
};
const record = {
  found: true,
  serial: 'COE-EOD2-2026-7KQ4M2',
  issuer: 'https://coe.example.az/issuer',
  holder: 'G. Məmmədquliyeva',
  documentLast4: null,
  courseCode: 'EOD-2',
  courseTitle: 'EOD Level 2',
  issuedOn: '2026-11-06',
  validUntil: '2028-11-05',
};

describe("the verify page's comparison of a QR token with the record shown (issue 19)", () => {
  it('fits a full name to the masked one the page shows', () => {
    expect(holderMatches('Gülnarə Əliheydər qızı Məmmədquliyeva', 'G. Məmmədquliyeva')).toBe(true);
    expect(holderMatches('əli  Quliyev', 'Ə. Quliyev')).toBe(true);
    expect(holderMatches('Leyla Quliyeva', 'L. Quliyev')).toBe(false);
    expect(holderMatches('Aynur Quliyev', 'L. Quliyev')).toBe(false);
    expect(holderMatches('Quliyev', 'Quliyev')).toBe(true);
  });

  it('agrees on a matching token and names each field that differs', () => {
    expect(disagreements(claims, record)).toEqual([]);
    expect(disagreements({ ...claims, sn: claims.sn.toLowerCase() }, record)).toEqual([]);
    expect(
      disagreements({ ...claims, nm: 'Rəşad Quliyev', vu: undefined, ct: 'EOD Level 3' }, record),
    ).toEqual(['field.holder', 'field.course', 'field.validUntil']);
    expect(disagreements({ ...claims, iss: 'https://elsewhere.example/issuer' }, record)).toEqual([
      'field.issuer',
    ]);
    expect(disagreements({ ...claims, doc: '1234' }, { ...record, documentLast4: '5678' })).toEqual(
      ['field.holderDocument'],
    );
  });

  it('never matches a record the page does not show (unknown serial, not valid)', () => {
    expect(disagreements(claims, { found: false, serial: claims.sn, issuer: claims.iss })).toEqual([
      'field.serial',
    ]);
  });
});

describe('the verify page hands the record to its script (issue 19)', () => {
  const view: VerificationView = {
    serial: 'COE-EOD2-2026-7KQ4M2',
    status: 'active',
    valid: true,
    holder: 'A. </script><script>alert(1)</script>',
    course: { code: 'EOD-2', title: 'EOD Level 2' },
    issuedAt: '2026-11-06T10:00:00.000Z',
    validUntil: '2028-11-05',
    issuer: 'Mine Action Center of Excellence',
    statusReason: null,
  };
  const qrCheck = {
    script: '/assets/abc/verify-qr.js',
    jwksUrl: '/.well-known/jwks.json',
    issuer: 'https://coe.example.az/issuer',
  };

  it('as JSON no value can break out of, with the words in the page language', () => {
    const page = renderVerificationPage(view, 'ru', { path: '/verify/X', qrCheck });
    expect(page).toContain('<script type="module" src="/assets/abc/verify-qr.js"></script>');
    expect(page).not.toContain('</script><script>alert(1)');
    const json = /<script type="application\/json" id="qr-check-data">([\s\S]*?)<\/script>/.exec(
      page,
    )![1];
    const data = JSON.parse(json) as {
      record: Record<string, unknown>;
      messages: Record<string, string>;
    };
    expect(data.record).toEqual({
      found: true,
      serial: view.serial,
      issuer: qrCheck.issuer,
      holder: view.holder,
      documentLast4: null,
      courseCode: 'EOD-2',
      courseTitle: 'EOD Level 2',
      issuedOn: '2026-11-06',
      validUntil: '2028-11-05',
    });
    expect(data.messages['qrCheck.forged']).toBe('ВНИМАНИЕ: этот QR-код может быть поддельным');
  });

  it('and nothing about a person for a serial it did not find', () => {
    const page = renderVerificationPage(
      { ...view, status: 'not_found', valid: false, holder: null, course: null },
      'en',
      { path: '/verify/X', qrCheck },
    );
    const json = /id="qr-check-data">([\s\S]*?)<\/script>/.exec(page)![1];
    expect((JSON.parse(json) as { record: unknown }).record).toEqual({
      found: false,
      serial: view.serial,
      issuer: qrCheck.issuer,
    });
  });
});
