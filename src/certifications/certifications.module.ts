import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { CertificateDocumentsService } from './certificate-documents.service.js';
import { CertificateMail } from './certificate-mail.js';
import { CertificatesController } from './certificates.controller.js';
import { CertificatesService } from './certificates.service.js';
import { IssuanceService } from './issuance.service.js';

@Module({
  imports: [CredentialsModule],
  controllers: [CertificatesController],
  providers: [IssuanceService, CertificatesService, CertificateDocumentsService, CertificateMail],
  exports: [CertificatesService],
})
export class CertificationsModule {}
