import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { today } from '../common/calendar.js';
import { notFound } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { verificationUrl } from '../credentials/credential-builder.js';
import { CredentialsService } from '../credentials/credentials.service.js';
import { QrTokensService } from '../credentials/qr-token.js';
import { effectiveStatus } from './certificate-status.js';
import { Certificate } from './certificate.entity.js';
import { CertificatesService } from './certificates.service.js';
import type { CredentialResponseDto } from './dto/certificate.dto.js';
import { certificateQrSvg, renderCertificatePdf } from './pdf/certificate-pdf.js';
import type { CourseTranslations } from '../courses/course-translations.js';
import { Recipients } from '../notifications/recipients.js';

interface DocumentRow {
  given_name: string;
  family_name: string;
  code: string;
  title: string;
  translations: CourseTranslations | null;
  trainee_id: string;
  level: string;
  imas_references: string[];
  instructor_given: string | null;
  instructor_family: string | null;
  location: string | null;
  starts_on: string | null;
  ends_on: string | null;
}

/** The printable PDF and the signed credential of a certificate, for those who may read it. */
@Injectable()
export class CertificateDocumentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly certificates: CertificatesService,
    private readonly credentials: CredentialsService,
    private readonly config: AppConfig,
    private readonly recipients: Recipients,
    private readonly qrTokens: QrTokensService,
  ) {}

  async pdf(actor: Actor, id: string): Promise<{ serial: string; pdf: Buffer }> {
    const cert = await this.certificates.findReadable(actor, id);
    const [row] = (await this.dataSource.query(
      `SELECT t.given_name, t.family_name, co.code, co.title, co.level, co.imas_references,
              co.translations, c.trainee_id,
              i.given_name AS instructor_given, i.family_name AS instructor_family,
              s.location, s.starts_on, s.ends_on
         FROM certificates c
         JOIN trainees t ON t.id = c.trainee_id
         JOIN courses co ON co.id = c.course_id
         LEFT JOIN instructors i ON i.id = c.issued_by
         LEFT JOIN course_sessions s ON s.id = c.session_id
        WHERE c.id = $1`,
      [id],
    )) as DocumentRow[];
    const holderLanguage = await this.recipients.languageOfTrainee(
      this.dataSource.manager,
      row.trainee_id,
    );
    const pdf = await renderCertificatePdf({
      serial: cert.serial,
      holderName: `${row.given_name} ${row.family_name}`,
      courseCode: row.code,
      courseTitle: row.title,
      courseLevel: row.level,
      imasReferences: row.imas_references,
      issuedOn: cert.issuedAt.toISOString().slice(0, 10),
      validUntil: cert.validUntil,
      issuerName: this.config.centerName,
      instructorName: row.instructor_given
        ? `${row.instructor_given} ${row.instructor_family}`
        : null,
      sessionLocation: row.location,
      sessionDates:
        row.starts_on && row.ends_on ? { startsOn: row.starts_on, endsOn: row.ends_on } : null,
      verificationUrl: verificationUrl(this.config.publicBaseUrl, cert.serial),
      qrUrl: await this.qrTokens.urlFor(cert.id),
      status: effectiveStatus(cert, today(this.config.timeZone)),
      translatedTitles: { az: row.translations?.az?.title, ru: row.translations?.ru?.title },
      russian: holderLanguage === 'ru',
      language: holderLanguage,
    });
    return { serial: cert.serial, pdf };
  }

  /** The certificate's QR code as on its PDF, for its page (issue 19). */
  async qrSvg(actor: Actor, id: string): Promise<{ serial: string; svg: string }> {
    const cert = await this.certificates.findReadable(actor, id);
    return { serial: cert.serial, svg: certificateQrSvg(await this.qrTokens.urlFor(cert.id)) };
  }

  async credential(actor: Actor, id: string): Promise<CredentialResponseDto> {
    const cert = await this.signedCertificate(actor, id);
    const credential = this.credentials.credentialOf(cert.credentialJwt);
    return {
      jwt: cert.credentialJwt,
      credential,
      dataIntegrity: await this.dataIntegrityOf(cert, credential),
    };
  }

  /** The Open Badges 3.0 Data Integrity credential alone, for a wallet to import. */
  async dataIntegrityCredential(
    actor: Actor,
    id: string,
  ): Promise<{ serial: string; credential: Record<string, unknown> }> {
    const cert = await this.signedCertificate(actor, id);
    const credential = await this.dataIntegrityOf(
      cert,
      this.credentials.credentialOf(cert.credentialJwt),
    );
    return { serial: cert.serial, credential };
  }

  private async signedCertificate(actor: Actor, id: string): Promise<Certificate> {
    const cert = await this.certificates.findReadable(actor, id);
    // The signed forms are not loaded with the row by default (lists never need them).
    const signed = await this.dataSource.getRepository(Certificate).findOneOrFail({
      where: { id },
      select: { id: true, credentialJwt: true, credentialDataIntegrity: true },
    });
    cert.credentialJwt = signed.credentialJwt;
    cert.credentialDataIntegrity = signed.credentialDataIntegrity;
    // Only certificates brought in from an older register can lack a signed credential.
    if (!cert.credentialJwt) throw notFound('Signed credential');
    return cert;
  }

  /**
   * A certificate gets its Data Integrity form on first request (issuance signs only the vc+jwt:
   * see CredentialsService.sign), made from the claims of its vc+jwt, and keeps it: the first
   * one stored wins when requests race, so a holder never sees two different credentials for
   * one certificate. One made before issue 18 (two status entries, which the Open Badges 3.0
   * schema refuses) is made again once in the current shape; the old one, already in wallets,
   * still verifies and its status lists are still kept current (docs/credentials.md).
   */
  private async dataIntegrityOf(
    cert: Certificate,
    credential: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const stored = cert.credentialDataIntegrity;
    if (stored && !Array.isArray(stored.credentialStatus)) return stored;
    const signed = await this.credentials.signDataIntegrity(credential, {
      listNumber: cert.statusListNumber,
      index: cert.statusListIndex,
    });
    const [rows] = (await this.dataSource.query(
      `UPDATE certificates
          SET credential_data_integrity = CASE
                WHEN credential_data_integrity IS NULL
                  OR jsonb_typeof(credential_data_integrity->'credentialStatus') = 'array' THEN $2
                ELSE credential_data_integrity END
        WHERE id = $1 RETURNING credential_data_integrity AS stored`,
      [cert.id, signed],
    )) as [{ stored: Record<string, unknown> }[], number];
    return rows[0]?.stored ?? signed;
  }
}
