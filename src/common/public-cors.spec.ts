import { describe, expect, it } from '@jest/globals';
import { publicCorsMethods } from './public-cors.js';

describe('publicCorsMethods: which paths are open to every origin', () => {
  it('opens the keys, the issuer, status lists and verification, with their methods', () => {
    expect(publicCorsMethods('/.well-known/jwks.json')).toEqual(['GET', 'HEAD']);
    expect(publicCorsMethods('/.well-known/did.json?x=1')).toEqual(['GET', 'HEAD']);
    expect(publicCorsMethods('/issuer')).toEqual(['GET', 'HEAD']);
    expect(publicCorsMethods('/credentials/status/suspended-or-revoked-1')).toEqual([
      'GET',
      'HEAD',
    ]);
    expect(publicCorsMethods('/credentials/status/revocation-1/z6MkKey')).toEqual(['GET', 'HEAD']);
    expect(publicCorsMethods('/verify/COE-EOD2-2026-7KQ4M2?lang=az')).toEqual(['GET', 'HEAD']);
    expect(publicCorsMethods('/verify')).toEqual(['GET', 'HEAD', 'POST']);
    expect(publicCorsMethods('/credentials/verify')).toEqual(['POST']);
    expect(publicCorsMethods('/presentations/verify')).toEqual(['POST']);
  });

  it('leaves everything else closed, look-alikes included', () => {
    for (const url of [
      '/',
      '/api/v1/courses',
      '/api/v1/auth/login',
      '/issuers',
      '/issuer/keys',
      '/verify/a/b',
      '/credentials/status',
      '/credentials/status/a/b/c',
      '/credentials/verify/extra',
      '/api/v1/verify',
      '/docs-json',
      '/web/login',
    ])
      expect({ url, methods: publicCorsMethods(url) }).toEqual({ url, methods: null });
  });
});
