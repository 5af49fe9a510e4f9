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
  dataIntegrity: Record<string, unknown>;
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

  /** Both forms, signed by the same (current) key. */
  async sign(facts: CredentialFacts): Promise<SignedCredential> {
    const credential = buildCredential(this.config.publicBaseUrl, this.issuer(), facts);
    const key = await this.keys.activeKey();
    return {
      jwt: await signCredentialJwt(credential, key),
      credential,
      dataIntegrity: await this.signDataIntegrity(credential, facts.status, key),
    };
  }

  /**
   * The Open Badges 3.0 Data Integrity form of a vc+jwt credential (as issued, or as read back
   * from a stored JWT for certificates issued before this form existed), signed by the current
   * key as its did:key.
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
