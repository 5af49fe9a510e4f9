import { Injectable } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { AppConfig } from '../config/app-config.js';
import {
  buildCredential,
  dataIntegrityForm,
  type CredentialFacts,
  type IssuerFacts,
} from './credential-builder.js';
import { signDataIntegrity } from './data-integrity.js';
import { SigningKeysService, type ActiveSigningKey } from './signing-keys.service.js';
import type { StatusPosition } from './status-lists.service.js';
import { signCredentialJwt } from './vc-jwt.js';

export interface SignedCredential {
  jwt: string;
  credential: Record<string, unknown>;
}

/** Builds and signs the credential that accompanies every certificate, in both forms. */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly config: AppConfig,
    private readonly keys: SigningKeysService,
  ) {}

  /** The issuer of the vc+jwt form: a URL that stays the same across key rotations. */
  issuer(): IssuerFacts {
    return {
      id: `${this.config.publicBaseUrl}/issuer`,
      name: this.config.centerName,
      url: this.config.publicBaseUrl,
    };
  }

  /**
   * The vc+jwt form of each credential, all signed by the same (current) key: the form every
   * certificate is issued with. The Data Integrity form is signed on first request instead
   * (CertificateDocumentsService): its JSON-LD proof needs RDF canonicalisation, about 7 ms per
   * credential against a fraction of a millisecond for the JWT, and most certificates are never
   * put in a wallet.
   */
  async sign(batch: CredentialFacts[]): Promise<SignedCredential[]> {
    const key = await this.keys.activeKey();
    const issuer = this.issuer();
    const signed: SignedCredential[] = [];
    for (const facts of batch) {
      const credential = buildCredential(this.config.publicBaseUrl, issuer, facts);
      signed.push({ jwt: await signCredentialJwt(credential, key), credential });
    }
    return signed;
  }

  /**
   * The Open Badges 3.0 Data Integrity form of a vc+jwt credential, made from the claims read
   * back from the stored JWT when it is first asked for, signed by the current key as its
   * did:key.
   */
  async signDataIntegrity(
    credential: Record<string, unknown>,
    status: StatusPosition,
    key?: ActiveSigningKey,
  ): Promise<Record<string, unknown>> {
    key ??= await this.keys.activeKey();
    const form = dataIntegrityForm(
      credential,
      this.config.publicBaseUrl,
      {
        did: key.didKey.did,
        keyFingerprint: key.didKey.fingerprint,
        name: this.config.centerName,
        url: this.config.publicBaseUrl,
      },
      status,
    );
    return signDataIntegrity(form, key);
  }

  /** The credential a stored JWT carries, without the JWT's registered claims. */
  credentialOf(jwt: string): Record<string, unknown> {
    const { iss: _iss, jti: _jti, iat: _iat, nbf: _nbf, exp: _exp, ...credential } = decodeJwt(jwt);
    return credential;
  }
}
