import { Global, Module } from '@nestjs/common';
import { AccessDeniedRecorder } from './access-denied.recorder.js';
import { AuditQueryService } from './audit-query.service.js';
import { AuditController } from './audit.controller.js';
import { AuditService } from './audit.service.js';
import { AuditSweeper } from './audit-sweeper.js';

@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditService, AuditQueryService, AccessDeniedRecorder, AuditSweeper],
  exports: [AuditService, AuditQueryService, AccessDeniedRecorder],
})
export class AuditModule {}
