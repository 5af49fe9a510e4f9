import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { today } from '../common/calendar.js';
import { AppConfig } from '../config/app-config.js';
import { effectiveStatus, maskedHolderName } from '../certifications/certificate-status.js';
import type { CertificateStatus } from '../certifications/certificate.entity.js';
import { normaliseSerial } from '../certifications/serial.js';
import { localizedTitle } from '../courses/course-translations.js';
import type { Lang } from '../web/i18n.js';
import { verifyDataIntegrity } from './data-integrity.js';
import { SigningKeysService } from './signing-keys.service.js';
import { VerificationCache, type VerifiedCertificateRow } from './verification-cache.js';
import { verifyCredentialJwt } from './vc-jwt.js';
import { VERIFY_BY_SERIAL } from './verify-by-serial.query.js';

export type VerificationStatus = CertificateStatus | 'not_found';

/** What the public learns about a serial: a verdict and just enough to recognise the holder. */
export interface SerialVerification {
  serial: string;
  valid: boolean;
  status: VerificationStatus;
  holder: string | null;
  /**
   * The holder's identity document, its last four characters only, when the Center chose to
   * show them (VERIFY_SHOW_DOCUMENT_LAST4) and one is recorded; absent otherwise.
   */
  holderDocument?: { type: string; last4: string };
  /** `localizedTitle` only when asked in a language (the HTML page); JSON keeps api.md's shape. */
  course: { code: string; title: string; localizedTitle?: string } | null;
  issuedAt: string | null;
  validUntil: string | null;
  issuer: string;
  statusReason: string | null;
}

export interface CredentialVerification extends Omit<SerialVerification, 'status' | 'issuer'> {
  format: 'vc+jwt' | 'data-integrity';
  signatureValid: boolean;
  status: VerificationStatus | 'invalid';
  /** The Center when one of its keys signed the credential; null when nothing shows who did. */
  issuer: string | null;
  checks: { signature: string; dates: string; status: string };
}

@Injectable()
export class VerificationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly keys: SigningKeysService,
    private readonly cache: VerificationCache,
  ) {}

  async bySerial(input: string, language?: Lang): Promise<SerialVerification> {
    const serial = normaliseSerial(input);
    const row = await this.cache.get(serial, () => this.load(serial));
    if (!row) return this.notFound(serial);
    const status = effectiveStatus(
      { status: row.status, validUntil: row.valid_until },
      today(this.config.timeZone),
    );
    return {
      serial: row.serial,
      valid: status === 'active',
      status,
      holder: maskedHolderName(row.given_name, row.family_name),
      // Absent unless shown: a deployment that keeps it off answers exactly as before.
      ...(this.config.verifyShowDocumentLast4 && row.document_type && row.document_last4
        ? { holderDocument: { type: row.document_type, last4: row.document_last4 } }
        : {}),
      course: {
        code: row.code,
        title: row.title,
        ...(language ? { localizedTitle: localizedTitle(row, language) } : {}),
      },
      issuedAt: row.issued_at.toISOString(),
      validUntil: row.valid_until,
      issuer: this.config.centerName,
      statusReason:
        (status === 'suspended' || status === 'revoked') && isPublicReason(row.status_reason)
          ? row.status_reason
          : null,
    };
  }

  /**
   * Checks a presented credential in either form: the signature against every key the Center
   * has used (a vc+jwt by its `kid`, a Data Integrity credential by its did:key), the validity
   * dates, and the current status (the same source the status lists publish).
   *
   * Where each fact in the answer comes from: a credential whose signature fails says nothing
   * we can trust (not its serial, holder, course, dates, nor that the Center issued it), so the
   * answer carries the verdict and the reason only. Once the signature holds, the serial it
   * vouches for is looked up in the register, and the holder, course, dates and status shown
   * are the register's (current, and masked as on the public page), not the credential's copy;
   * the credential's own dates count only to refuse it (expired, not yet valid).
   */
  async credential(presented: string | Record<string, unknown>): Promise<CredentialVerification> {
    const format = typeof presented === 'string' ? 'vc+jwt' : 'data-integrity';
    const check =
      typeof presented === 'string'
        ? await this.jwtSignature(presented)
        : await verifyDataIntegrity(presented, async (did) =>
            Boolean(await this.keys.findKey((k) => k.did === did)),
          );
    if (!check.ok) {
      return {
        ...this.notFound(''),
        issuer: null,
        format,
        signatureValid: false,
        status: 'invalid',
        checks: { signature: check.reason, dates: 'not_checked', status: 'not_checked' },
      };
    }
    const credential = check.credential;
    const serial = serialOf(credential);
    const record = serial ? await this.bySerial(serial) : this.notFound('');
    const now = Date.now();
    const validFrom = Date.parse(String(credential.validFrom ?? ''));
    const validUntil = credential.validUntil ? Date.parse(String(credential.validUntil)) : null;
    const datesOk =
      Number.isFinite(validFrom) && validFrom <= now && (validUntil === null || now <= validUntil);
    const status: VerificationStatus =
      record.status === 'active' && !datesOk ? 'expired' : record.status;
    return {
      ...record,
      format,
      signatureValid: true,
      valid: record.valid && datesOk,
      status,
      checks: {
        signature: 'valid',
        dates: datesOk
          ? 'valid'
          : Number.isFinite(validFrom) && validFrom > now
            ? 'not_yet_valid'
            : 'expired',
        status: record.status,
      },
    };
  }

  private async jwtSignature(jwt: string) {
    const check = await verifyCredentialJwt(jwt.trim(), await this.keys.publicKeys());
    return check.ok ? { ok: true as const, credential: check.payload } : check;
  }

  private async load(serial: string): Promise<VerifiedCertificateRow | undefined> {
    // The pool TypeORM manages (pg.Pool): TypeORM's query() cannot name a statement.
    const pool = (this.dataSource.driver as PostgresDriver).master as pg.Pool;
    const result = await pool.query<VerifiedCertificateRow>({
      ...VERIFY_BY_SERIAL,
      values: [serial],
    });
    return result.rows[0];
  }

  private notFound(serial: string): SerialVerification {
    return {
      serial,
      valid: false,
      status: 'not_found',
      holder: null,
      course: null,
      issuedAt: null,
      validUntil: null,
      issuer: this.config.centerName,
      statusReason: null,
    };
  }
}

/**
 * Health and death are not published next to a recognisable name: for those reasons the public
 * page gives the verdict ("do not accept") without saying why.
 */
function isPublicReason(reason: string | null): boolean {
  return reason !== null && reason !== 'medical_unfit' && reason !== 'deceased';
}

/**
 * Our credentials carry the serial as the subject's plain `identifier` entry (beside, since
 * issue 18, the holder's hashed e-mail) and at the end of their id.
 */
function serialOf(credential: Record<string, unknown>): string | null {
  const subject = credential.credentialSubject as { identifier?: unknown } | undefined;
  const identifiers = Array.isArray(subject?.identifier) ? (subject.identifier as unknown[]) : [];
  const plain = identifiers.find(
    (i): i is { identityHash: string } =>
      typeof i === 'object' &&
      i !== null &&
      (i as { identityType?: unknown }).identityType === 'identifier' &&
      (i as { hashed?: unknown }).hashed === false &&
      typeof (i as { identityHash?: unknown }).identityHash === 'string',
  );
  if (plain) return plain.identityHash;
  const id = typeof credential.id === 'string' ? credential.id : '';
  const match = /\/verify\/([^/?#]+)$/.exec(id);
  return match ? decodeURIComponent(match[1]) : null;
}
