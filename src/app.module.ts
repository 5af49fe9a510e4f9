import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import { StrictValidationPipe } from './common/validation.js';
import { AppConfig } from './config/app-config.js';
import { AppConfigModule } from './config/config.module.js';
import { ChangeFeedModule } from './database/change-feed.module.js';
import { dataSourceOptions } from './database/data-source-options.js';
import { HealthModule } from './health/health.module.js';
import { loggerOptions } from './logging.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { UsersModule } from './users/users.module.js';
import { OrganisationsModule } from './organisations/organisations.module.js';
import { CoursesModule } from './courses/courses.module.js';
import { TraineesModule } from './trainees/trainees.module.js';
import { InstructorsModule } from './instructors/instructors.module.js';
import { EnrolmentsModule } from './enrolments/enrolments.module.js';
import { CertificationsModule } from './certifications/certifications.module.js';
import { CredentialsModule } from './credentials/credentials.module.js';
import { CertificateHistoryModule } from './audit/certificate-history.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { WebModule } from './web/web.module.js';
import { ImportsModule } from './imports/imports.module.js';
import { ExportsModule } from './exports/exports.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { DeskModule } from './desk/desk.module.js';
import { TrustedIssuersModule } from './trusted-issuers/trusted-issuers.module.js';
import { VcApiModule } from './credentials/vc-api/vc-api.module.js';
import { RecognitionsModule } from './recognitions/recognitions.module.js';
import { InspectionsModule } from './inspections/inspections.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(config)),
        TypeOrmModule.forRoot({
          ...dataSourceOptions(
            config.databaseUrl,
            config.databasePoolSize,
            config.databaseReplicaUrls,
          ),
          // Migrations run before the app starts (see main.ts); never retry silently at boot.
          retryAttempts: 0,
        }),
        ChangeFeedModule,
        NotificationsModule,
        AuditModule,
        HealthModule,
        UsersModule,
        AuthModule,
        OrganisationsModule,
        CoursesModule,
        TraineesModule,
        InstructorsModule,
        EnrolmentsModule,
        CredentialsModule,
        CertificationsModule,
        CertificateHistoryModule,
        ReportsModule,
        WebModule,
        ImportsModule,
        ExportsModule,
        JobsModule,
        DeskModule,
        TrustedIssuersModule,
        VcApiModule,
        RecognitionsModule,
        InspectionsModule,
      ],
      providers: [
        { provide: APP_PIPE, useClass: StrictValidationPipe },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }
}
