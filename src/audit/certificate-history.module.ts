import { Module } from '@nestjs/common';
import { CertificationsModule } from '../certifications/certifications.module.js';
import { CertificateHistoryController } from './certificate-history.controller.js';
import { CertificateHistoryService } from './certificate-history.service.js';

/**
 * Kept apart from the global AuditModule: certifications write through AuditService, so the
 * audit module itself must not depend on certifications.
 */
@Module({
  imports: [CertificationsModule],
  controllers: [CertificateHistoryController],
  providers: [CertificateHistoryService],
})
export class CertificateHistoryModule {}
