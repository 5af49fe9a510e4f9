import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../access/access.decorators.js';
import { CurrentActor, type Actor } from '../common/actor.js';
import { CallerLanguage } from '../common/caller-language.js';
import { ApiFileResponse } from '../common/openapi.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { CertificateDocumentsService } from './certificate-documents.service.js';
import { CertificatesService } from './certificates.service.js';
import {
  BulkIssueResultDto,
  CertificateDetailDto,
  CertificateDto,
  CertificatePageDto,
  CredentialResponseDto,
  ListCertificatesQueryDto,
  StatusChangeDto,
} from './dto/certificate.dto.js';
import type { Lang } from '../web/i18n.js';
import { IssuanceService } from './issuance.service.js';

@ApiTags('certificates')
@Controller('api/v1')
export class CertificatesController {
  constructor(
    private readonly issuance: IssuanceService,
    private readonly certificates: CertificatesService,
    private readonly documents: CertificateDocumentsService,
  ) {}

  @Post('enrolments/:id/certificate')
  @Allow('certificates.issue', { record: 'enrolment' })
  @ApiOperation({
    summary: 'Issue the certificate for an enrolment',
    description:
      "An instructor assigned to the session and currently qualified for the course. The trainee must have passed with enough attendance in a completed session: otherwise 422 NOT_ELIGIBLE with details.reason. A second issue is 409 ALREADY_ISSUED with details.certificateId, also when requests race. A certificate of a course (or of a refresher renewing it) supersedes the holder's earlier ones.",
  })
  @ApiCreatedResponse({ type: CertificateDto })
  issue(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) enrolmentId: string,
  ): Promise<CertificateDto> {
    return this.issuance.issue(actor, enrolmentId);
  }

  @Post('sessions/:id/certificates')
  @Allow('certificates.issue', { record: 'session' })
  @ApiOperation({
    summary: 'Issue certificates to every eligible participant of a session',
    description:
      'Each participant who is not eligible (or already certified) is listed in `skipped` with a code and a reason, worded in the caller’s language (Accept-Language, else English) like error messages.',
  })
  @ApiCreatedResponse({ type: BulkIssueResultDto })
  issueForSession(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) sessionId: string,
    @CallerLanguage() lang: Lang,
  ): Promise<BulkIssueResultDto> {
    return this.issuance.issueForSession(actor, sessionId, { lang });
  }

  @Get('certificates')
  @Allow('certificates.read')
  @ApiOperation({
    summary: 'List certificates, newest first',
    description:
      'All statuses unless filtered. Trainees see only their own; instructors those of their sessions; admins and auditors all.',
  })
  @ApiOkResponse({ type: CertificatePageDto })
  list(
    @CurrentActor() actor: Actor,
    @Query() query: ListCertificatesQueryDto,
  ): Promise<CertificatePageDto> {
    return this.certificates.list(actor, query);
  }

  @Get('certificates/:id')
  @Allow('certificates.read')
  @ApiOperation({
    summary: 'One certificate with its current status',
    description:
      'With `qrUrl`: what its QR code holds, the verification URL with a signed token in its fragment (issue 19).',
  })
  @ApiOkResponse({ type: CertificateDetailDto })
  get(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
  ): Promise<CertificateDetailDto> {
    return this.certificates.get(actor, id);
  }

  @Get('certificates/:id/pdf')
  @Allow('certificates.read')
  @ApiOperation({
    summary:
      'The printable certificate (A4, English and Azerbaijani) with a QR code of its verification page',
    description:
      'The QR code holds `qrUrl` (see GET /api/v1/certificates/:id): the verification URL with a signed token in its fragment, so the printed certificate can be checked without a connection (issue 19). The plain address is printed beside it.',
  })
  @ApiFileResponse('application/pdf', 'The certificate, A4')
  async pdf(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Res() reply: FastifyReply,
  ) {
    const { serial, pdf } = await this.documents.pdf(actor, id);
    return reply
      .type('application/pdf')
      .header('Content-Disposition', `inline; filename="${serial}.pdf"`)
      .header('Cache-Control', 'private, no-store')
      .send(pdf);
  }

  @Get('certificates/:id/qr.svg')
  @Allow('certificates.read')
  @ApiOperation({
    summary: "The certificate's QR code as SVG, the same as on its PDF (issue 19)",
    description:
      'It holds `qrUrl`: the verification URL with the signed token in its fragment. Same access as the certificate.',
  })
  @ApiFileResponse('image/svg+xml', 'The QR code')
  async qrSvg(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Res() reply: FastifyReply,
  ) {
    const { svg } = await this.documents.qrSvg(actor, id);
    return reply
      .type('image/svg+xml; charset=utf-8')
      .header('Cache-Control', 'private, no-store')
      .send(svg);
  }

  @Get('certificates/:id/credential')
  @Allow('certificates.read')
  @ApiOperation({
    summary: 'The signed credential, in both forms',
    description:
      'A W3C Verifiable Credential 2.0 (Open Badges 3.0 shape) secured as vc+jwt with EdDSA/Ed25519 (verify with the keys at /.well-known/jwks.json), and as `dataIntegrity` the Open Badges 3.0 JSON-LD credential with a Data Integrity proof by the did:key of the same key, for wallets.',
  })
  @ApiOkResponse({ type: CredentialResponseDto })
  credential(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
  ): Promise<CredentialResponseDto> {
    return this.documents.credential(actor, id);
  }

  @Get('certificates/:id/credential.json')
  @Allow('certificates.read')
  @ApiOperation({
    summary: 'The Open Badges 3.0 credential as a file for a wallet',
    description:
      'The Data Integrity credential alone, as a `.json` attachment named after the serial: what a holder imports into a wallet (e.g. the Learner Credential Wallet). Same access as reading the certificate.',
  })
  @ApiOkResponse({
    description:
      'The Open Badges 3.0 AchievementCredential (JSON-LD) with its Data Integrity proof',
    schema: { type: 'object', additionalProperties: true },
  })
  async credentialFile(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Res() reply: FastifyReply,
  ) {
    const { serial, credential } = await this.documents.dataIntegrityCredential(actor, id);
    return reply
      .type('application/json; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${serial}.json"`)
      .header('Cache-Control', 'private, no-store')
      .send(credential);
  }

  @Post('certificates/:id/suspend')
  @Allow('certificates.changeStatus')
  @ApiOperation({
    summary: 'Suspend an active certificate (reversible)',
    description: 'Shows at once in the suspension status list and on the verification page.',
  })
  @ApiCreatedResponse({ type: CertificateDto })
  suspend(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Body() body: StatusChangeDto,
  ): Promise<CertificateDto> {
    return this.certificates.changeStatus(actor, id, 'suspend', body);
  }

  @Post('certificates/:id/reinstate')
  @Allow('certificates.changeStatus')
  @ApiOperation({ summary: 'Reinstate a suspended certificate' })
  @ApiCreatedResponse({ type: CertificateDto })
  reinstate(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Body() body: StatusChangeDto,
  ): Promise<CertificateDto> {
    return this.certificates.changeStatus(actor, id, 'reinstate', body);
  }

  @Post('certificates/:id/revoke')
  @Allow('certificates.changeStatus')
  @ApiOperation({
    summary: 'Revoke a certificate (final)',
    description: 'Any later change is 409.',
  })
  @ApiCreatedResponse({ type: CertificateDto })
  revoke(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Body() body: StatusChangeDto,
  ): Promise<CertificateDto> {
    return this.certificates.changeStatus(actor, id, 'revoke', body);
  }
}
