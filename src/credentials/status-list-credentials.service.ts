import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { notFound } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { dataIntegrityStatusListUrl, statusListUrl } from './credential-builder.js';
import { CredentialsService } from './credentials.service.js';
import { signDataIntegrity } from './data-integrity.js';
import { SigningKeysService, type ActiveSigningKey } from './signing-keys.service.js';
import { buildStatusListCredential } from './status-list-credential.js';
import {
  parseStatusListId,
  STATUS_LIST_KINDS,
  StatusListsService,
  type StatusListKind,
} from './status-lists.service.js';
import { signCredentialJwt } from './vc-jwt.js';

export type StatusListFormat = 'vc+jwt' | 'data-integrity';

/** A status list credential as served: the exact bytes, and what HTTP revalidation needs. */
export interface PublishedStatusList {
  format: StatusListFormat;
  /** The compact JWT, or the JSON text of the Data Integrity credential. */
  body: string;
  contentType: string;
  /** A strong validator of `body` (quoted, as the header carries it). */
  etag: string;
  /** When this content was signed: it changes only when the bits (or the signing key) do. */
  signedAt: Date;
}

interface StoredList {
  kid: string;
  content_hash: string;
  document: string;
  signed_at: Date;
}

/**
 * The published status list credentials. Every form carries the same bits, read from the
 * certificates when asked for; each comes from the issuer of the credentials that point to it:
 * - `/credentials/status/{list}`: a `vc+jwt` whose issuer is `{base}/issuer`, signed with the
 *   current key's `kid`, as the vc+jwt credentials name that issuer. Whatever the Accept header.
 * - `/credentials/status/{list}/{key}`: Data Integrity, issued by that key's did:key, as the
 *   Data Integrity credentials that key signed point to it (retired keys included).
 *
 * A list is signed once per content and stored (status_list_credentials): served unchanged,
 * with the same `validFrom`/`iat` and ETag, until a suspension, reinstatement or revocation
 * changes its bits (or, for the vc+jwt form, a rotation changes the key). Every instance
 * serves the stored token, so a verifier polling behind a load balancer sees one list.
 */
@Injectable()
export class StatusListCredentialsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly keys: SigningKeysService,
    private readonly statusLists: StatusListsService,
    private readonly credentials: CredentialsService,
  ) {}

  async jwt(listId: string): Promise<PublishedStatusList> {
    const { kind, listNumber, encodedList } = await this.bits(listId);
    const key = await this.keys.activeKey();
    const url = statusListUrl(this.config.publicBaseUrl, kind, listNumber);
    const issuer = this.credentials.issuer();
    return this.published(url, 'vc+jwt', key, kind, encodedList, (signedAt) =>
      signCredentialJwt(
        buildStatusListCredential(url, issuer, STATUS_LIST_KINDS[kind].purpose, encodedList, {
          validFrom: signedAt,
        }),
        key,
      ),
    );
  }

  async dataIntegrity(listId: string, keyFingerprint: string): Promise<PublishedStatusList> {
    const { kind, listNumber } = parseStatusListId(listId);
    const key = await this.keys.keyByFingerprint(keyFingerprint);
    if (!key) throw notFound('Status list');
    const { encodedList } = await this.bits(listId);
    const url = dataIntegrityStatusListUrl(
      this.config.publicBaseUrl,
      kind,
      listNumber,
      keyFingerprint,
    );
    return this.published(url, 'data-integrity', key, kind, encodedList, async () => {
      const credential = buildStatusListCredential(
        url,
        { id: key.didKey.did, name: this.config.centerName },
        STATUS_LIST_KINDS[kind].purpose,
        encodedList,
        { validFrom: null },
      );
      return JSON.stringify(await signDataIntegrity(credential, key));
    });
  }

  private async bits(listId: string) {
    const { kind, listNumber } = parseStatusListId(listId);
    if (!(await this.statusLists.listExists(listNumber))) throw notFound('Status list');
    return { kind, listNumber, encodedList: await this.statusLists.encodedList(kind, listNumber) };
  }

  /**
   * The stored list when its content and key are still current; otherwise a newly signed one,
   * stored unless another instance stored the same content first (then theirs is served, so
   * all instances agree on one token).
   */
  private async published(
    url: string,
    format: StatusListFormat,
    key: ActiveSigningKey,
    kind: StatusListKind,
    encodedList: string,
    sign: (signedAt: Date) => Promise<string>,
  ): Promise<PublishedStatusList> {
    const contentHash = sha256(`${STATUS_LIST_KINDS[kind].purpose}\n${encodedList}`);
    const current = (row: StoredList | undefined): boolean =>
      row !== undefined && row.kid === key.kid && row.content_hash === contentHash;
    const stored = await this.stored(url);
    if (stored && current(stored)) return served(format, stored);
    const signedAt = await nextSecond(stored?.signed_at);
    const document = await sign(new Date(signedAt));
    const [written] = (await this.dataSource.query(
      `INSERT INTO status_list_credentials (url, format, kid, content_hash, document, signed_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (url) DO UPDATE
          SET format = EXCLUDED.format, kid = EXCLUDED.kid, content_hash = EXCLUDED.content_hash,
              document = EXCLUDED.document, signed_at = EXCLUDED.signed_at
        WHERE status_list_credentials.kid <> EXCLUDED.kid
           OR status_list_credentials.content_hash <> EXCLUDED.content_hash
       RETURNING kid, content_hash, document, signed_at`,
      [url, format, key.kid, contentHash, document, new Date(signedAt)],
    )) as StoredList[];
    if (written) return served(format, written);
    const theirs = await this.stored(url);
    return served(
      format,
      theirs && current(theirs)
        ? theirs
        : { kid: key.kid, content_hash: contentHash, document, signed_at: new Date(signedAt) },
    );
  }

  private async stored(url: string): Promise<StoredList | undefined> {
    const rows = (await this.dataSource.query(
      'SELECT kid, content_hash, document, signed_at FROM status_list_credentials WHERE url = $1',
      [url],
    )) as StoredList[];
    return rows[0];
  }
}

/**
 * When to sign new content: whole seconds, as JWT times and Last-Modified have them, and a later
 * second than the content it replaces, or a client revalidating with If-Modified-Since would be
 * told its copy (from the same second) is current. A second change within one second therefore
 * waits for the next second rather than stamping a time in the future, which a verifier would
 * refuse as not yet valid. (A stored time further ahead can only come from another instance's
 * clock running ahead: then one second after it.)
 */
async function nextSecond(previous: Date | undefined): Promise<number> {
  const now = Date.now();
  const second = Math.floor(now / 1000) * 1000;
  if (!previous || second > previous.getTime()) return second;
  const next = Math.floor(previous.getTime() / 1000) * 1000 + 1000;
  if (next - now > 1000) return next;
  await new Promise((resolve) => setTimeout(resolve, next - now));
  return next;
}

function served(format: StatusListFormat, row: StoredList): PublishedStatusList {
  return {
    format,
    body: row.document,
    // Plain JSON for the Data Integrity form: what JSON-LD document loaders accept.
    contentType: format === 'vc+jwt' ? 'application/vc+jwt' : 'application/json; charset=utf-8',
    etag: `"${sha256(row.document).slice(0, 32)}"`,
    signedAt: row.signed_at,
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
