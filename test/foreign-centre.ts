import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import { signDataIntegrity } from '../src/credentials/data-integrity.js';
import { didKeyOf } from '../src/credentials/did-key.js';
import type { ActiveSigningKey } from '../src/credentials/signing-keys.service.js';
import { encodeStatusList } from '../src/credentials/vc-api/bitstring.js';
import { signCredentialJwt } from '../src/credentials/vc-jwt.js';

const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
const LIST_LENGTH = 131_072;

/**
 * Another training centre, made in the test: its own Ed25519 key and did:key, credentials it
 * signs (Data Integrity `eddsa-rdfc-2022` as @digitalbazaar/vc makes them, or vc+jwt with the
 * did:key as kid), and its revocation list served by a small HTTP server on 127.0.0.1, signed
 * by the same did:key and re-signed whenever the test revokes something.
 */
export class ForeignCentre {
  readonly requests: string[] = [];
  private revoked = new Set<number>();
  private nextIndex = 7;
  private server: Server | null = null;
  host = '';

  private constructor(
    readonly name: string,
    readonly key: ActiveSigningKey,
  ) {}

  static async create(name: string): Promise<ForeignCentre> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
    const didKey = await didKeyOf(publicJwk);
    return new ForeignCentre(name, {
      kid: didKey.verificationMethod,
      privateKey,
      publicJwk,
      didKey,
    });
  }

  get did(): string {
    return this.key.didKey.did;
  }

  get listUrl(): string {
    return `http://${this.host}/status/revocation`;
  }

  /** Serves the revocation list (and counts every request) on an ephemeral port. */
  async serve(): Promise<void> {
    this.server = createServer((request, response) => {
      this.requests.push(request.url ?? '');
      if (request.url !== '/status/revocation') {
        response.writeHead(404).end();
        return;
      }
      void this.statusList().then((list) =>
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(list)),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.host = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  revoke(index: number): void {
    this.revoked.add(index);
  }

  /** A credential of this centre with a revocation entry at a fresh index. */
  unsigned(
    achievement = 'Explosive Ordnance Disposal Level 1',
    dates: { validFrom?: string; validUntil?: string } = {},
  ): { credential: Record<string, unknown>; index: number } {
    const index = this.nextIndex++;
    const credential = {
      '@context': [VC_V2],
      id: `urn:uuid:${randomUUID()}`,
      type: ['VerifiableCredential'],
      issuer: { id: this.did, name: this.name },
      validFrom: dates.validFrom ?? '2025-01-10T00:00:00Z',
      validUntil: dates.validUntil ?? '2030-01-10T00:00:00Z',
      name: achievement,
      credentialSubject: { id: `urn:uuid:${randomUUID()}`, name: achievement },
      credentialStatus: {
        id: `${this.listUrl}#${index}`,
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: String(index),
        statusListCredential: this.listUrl,
      },
    };
    return { credential, index };
  }

  signDataIntegrity(credential: Record<string, unknown>): Promise<Record<string, unknown>> {
    return signDataIntegrity(credential, this.key);
  }

  signJwt(credential: Record<string, unknown>): Promise<string> {
    return signCredentialJwt(credential, this.key);
  }

  private statusList(): Promise<Record<string, unknown>> {
    return signDataIntegrity(
      {
        '@context': [VC_V2],
        id: this.listUrl,
        type: ['VerifiableCredential', 'BitstringStatusListCredential'],
        issuer: this.did,
        validFrom: '2025-01-01T00:00:00Z',
        credentialSubject: {
          id: `${this.listUrl}#list`,
          type: 'BitstringStatusList',
          statusPurpose: 'revocation',
          encodedList: encodeStatusList(LIST_LENGTH, [...this.revoked]),
        },
      },
      this.key,
    );
  }
}
