import { Injectable } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { AppConfig } from '../config/app-config.js';
import { buildCredential, type CredentialFacts, type IssuerFacts } from './credential-builder.js';
import { SigningKeysService } from './signing-keys.service.js';
import { signCredentialJwt } from './vc-jwt.js';

/** Builds and signs the credential that accompanies every certificate. */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly config: AppConfig,
    private readonly keys: SigningKeysService,
  ) {}

  issuer(): IssuerFacts {
    return {
      id: `${this.config.publicBaseUrl}/issuer`,
      name: this.config.centerName,
      url: this.config.publicBaseUrl,
    };
  }

  async sign(
    facts: CredentialFacts,
  ): Promise<{ jwt: string; credential: Record<string, unknown> }> {
    const credential = buildCredential(this.config.publicBaseUrl, this.issuer(), facts);
    const key = await this.keys.activeKey();
    return { jwt: await signCredentialJwt(credential, key), credential };
  }

  /** The credential a stored JWT carries, without the JWT's registered claims. */
  credentialOf(jwt: string): Record<string, unknown> {
    const { iss: _iss, jti: _jti, iat: _iat, nbf: _nbf, exp: _exp, ...credential } = decodeJwt(jwt);
    return credential;
  }
}
