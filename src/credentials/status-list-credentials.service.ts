import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { notFound } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { dataIntegrityStatusListUrl, statusListUrl } from './credential-builder.js';
import { CredentialsService } from './credentials.service.js';
import { signDataIntegrity } from './data-integrity.js';
import { SigningKeysService } from './signing-keys.service.js';
import { buildStatusListCredential } from './status-list-credential.js';
import { parseStatusListId, StatusListsService } from './status-lists.service.js';
import { signCredentialJwt } from './vc-jwt.js';

/** Signed lists kept; each is ~1 KB for a sparse list. */
const CACHE_ENTRIES = 500;

/**
 * The published status list credentials. Both forms carry the same bits, read from the
 * certificates at request time; they differ only in how they are secured and by whom:
 * - `/credentials/status/{list}` with `Accept: application/vc+jwt`: a statuslist+jwt whose
 *   issuer is `{base}/issuer`, as the vc+jwt credentials name it.
 * - `/credentials/status/{list}/{key}`: Data Integrity, issued by that key's did:key, as the
 *   Data Integrity credentials that key signed point to it.
 * - `/credentials/status/{list}` as plain JSON: Data Integrity by the current key.
 */
@Injectable()
export class StatusListCredentialsService {
  /** Signing costs a few ms; a list only changes when a certificate is suspended or revoked. */
  private readonly signed = new Map<string, Promise<Record<string, unknown>>>();

  constructor(
    private readonly config: AppConfig,
    private readonly keys: SigningKeysService,
    private readonly statusLists: StatusListsService,
    private readonly credentials: CredentialsService,
  ) {}

  async jwt(listId: string): Promise<string> {
    const { purpose, listNumber, encodedList } = await this.bits(listId);
    const credential = buildStatusListCredential(
      statusListUrl(this.config.publicBaseUrl, purpose, listNumber),
      this.credentials.issuer(),
      purpose,
      encodedList,
    );
    return signCredentialJwt(credential, await this.keys.activeKey(), 'statuslist+jwt');
  }

  async dataIntegrity(
    listId: string,
    keyFingerprint: string | null,
  ): Promise<Record<string, unknown>> {
    const { purpose, listNumber } = parseStatusListId(listId);
    const key = keyFingerprint
      ? await this.keys.keyByFingerprint(keyFingerprint)
      : await this.keys.activeKey();
    if (!key) throw notFound('Status list');
    const { encodedList } = await this.bits(listId);
    const base = this.config.publicBaseUrl;
    const url = keyFingerprint
      ? dataIntegrityStatusListUrl(base, purpose, listNumber, keyFingerprint)
      : statusListUrl(base, purpose, listNumber);
    const cacheKey = `${url} ${key.kid} ${createHash('sha256').update(encodedList).digest('base64url')}`;
    let signed = this.signed.get(cacheKey);
    if (!signed) {
      const credential = buildStatusListCredential(
        url,
        { id: key.didKey.did, name: this.config.centerName },
        purpose,
        encodedList,
        { validFrom: null },
      );
      signed = signDataIntegrity(credential, key);
      this.remember(cacheKey, signed);
    }
    return signed;
  }

  private async bits(listId: string) {
    const { purpose, listNumber } = parseStatusListId(listId);
    if (!(await this.statusLists.listExists(listNumber))) throw notFound('Status list');
    return {
      purpose,
      listNumber,
      encodedList: await this.statusLists.encodedList(purpose, listNumber),
    };
  }

  private remember(cacheKey: string, signed: Promise<Record<string, unknown>>): void {
    signed.catch(() => this.signed.delete(cacheKey));
    this.signed.set(cacheKey, signed);
    if (this.signed.size > CACHE_ENTRIES) {
      // Maps iterate in insertion order: drop the oldest.
      this.signed.delete(this.signed.keys().next().value!);
    }
  }
}
