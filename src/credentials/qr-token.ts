import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sign } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { notFound } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import type { QrClaims } from '../web/assets/inspect/qr-token.js';
import { verificationUrl } from './credential-builder.js';
import { SigningKeysService, type ActiveSigningKey } from './signing-keys.service.js';

/**
 * The self-verifying QR code (issue 19): the public verification URL with a compact signed
 * token in its fragment, so an inspector with no signal can still tell a genuine certificate
 * from a forged one (src/web/assets/inspect/qr-token.js reads it; docs/credentials.md, "The QR
 * token", describes it for other verifiers).
 *
 * Not stored: made whenever the PDF or the certificate answer is. Ed25519 signatures are
 * deterministic and the claims are written in a fixed order, so the same certificate gives the
 * same token until the key is rotated. Status is never in the token (a suspended or revoked
 * certificate carries the same one): the status lists say what it is now.
 */
export const QR_TOKEN_TYPE = 'coe-qr+jwt';

export interface QrFacts {
  serial: string;
  holderName: string;
  /** The identity document's number; only its last four characters go in, and only if shown. */
  documentNumber: string | null;
  courseCode: string;
  courseTitle: string;
  courseLevel: string;
  /** YYYY-MM-DD. */
  issuedOn: string;
  /** YYYY-MM-DD, or null when it never expires. */
  validUntil: string | null;
  statusListNumber: number;
  statusListIndex: number;
}

/** The claims, in the order they are written (short keys keep the QR code small). */
export function qrClaims(
  facts: QrFacts,
  opts: { baseUrl: string; showDocumentLast4: boolean },
): QrClaims {
  const last4 =
    opts.showDocumentLast4 && facts.documentNumber ? facts.documentNumber.slice(-4) : null;
  return {
    iss: `${opts.baseUrl}/issuer`,
    sn: facts.serial,
    nm: facts.holderName,
    ...(last4 ? { doc: last4 } : {}),
    cc: facts.courseCode,
    ct: facts.courseTitle,
    cl: facts.courseLevel,
    iat: facts.issuedOn,
    ...(facts.validUntil ? { vu: facts.validUntil } : {}),
    sl: [facts.statusListNumber, facts.statusListIndex],
  };
}

/** A compact JWS signed with node:crypto, as vc-jwt.ts does (same key, same `kid`). */
export function signQrToken(claims: QrClaims, key: ActiveSigningKey): string {
  const header = { alg: 'EdDSA', kid: key.kid, typ: QR_TOKEN_TYPE };
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign(null, Buffer.from(input), key.privateKey).toString('base64url')}`;
}

/** `{base}/verify/{serial}#{token}`: the fragment never reaches a server on navigation. */
export function qrUrl(baseUrl: string, serial: string, token: string): string {
  return `${verificationUrl(baseUrl, serial)}#${token}`;
}

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

interface QrRow {
  serial: string;
  issued_at: Date;
  valid_until: string | null;
  status_list_number: number;
  status_list_index: number;
  given_name: string;
  family_name: string;
  identity_document_number: string | null;
  code: string;
  title: string;
  level: string;
}

@Injectable()
export class QrTokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly keys: SigningKeysService,
  ) {}

  /**
   * The QR URL of a certificate the caller has already been allowed to read (access is the
   * caller's check: this only signs). The holder's name is written as on the PDF.
   */
  async urlFor(certificateId: string, manager: EntityManager = this.dataSource.manager) {
    const [row] = (await manager.query(
      `SELECT c.serial, c.issued_at, c.valid_until, c.status_list_number, c.status_list_index,
              t.given_name, t.family_name, t.identity_document_number,
              co.code, co.title, co.level
         FROM certificates c
         JOIN trainees t ON t.id = c.trainee_id
         JOIN courses co ON co.id = c.course_id
        WHERE c.id = $1`,
      [certificateId],
    )) as QrRow[];
    if (!row) throw notFound('Certificate');
    return this.urlOf({
      serial: row.serial,
      holderName: `${row.given_name} ${row.family_name}`,
      documentNumber: row.identity_document_number,
      courseCode: row.code,
      courseTitle: row.title,
      courseLevel: row.level,
      issuedOn: row.issued_at.toISOString().slice(0, 10),
      validUntil: row.valid_until,
      statusListNumber: row.status_list_number,
      statusListIndex: row.status_list_index,
    });
  }

  async urlOf(facts: QrFacts): Promise<string> {
    const base = this.config.publicBaseUrl;
    const claims = qrClaims(facts, {
      baseUrl: base,
      showDocumentLast4: this.config.verifyShowDocumentLast4,
    });
    return qrUrl(base, facts.serial, signQrToken(claims, await this.keys.activeKey()));
  }
}
