import { Module } from '@nestjs/common';
import { CoursesModule } from '../courses/courses.module.js';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { CourseImporter } from './course-import.js';
import { ImportsController } from './imports.controller.js';
import { ImportsService } from './imports.service.js';
import { InstructorImporter } from './instructor-import.js';
import { LegacyCertificateImporter } from './legacy-certificates.js';
import { TraineeImporter } from './trainee-import.js';

@Module({
  imports: [CoursesModule, CredentialsModule],
  controllers: [ImportsController],
  providers: [
    ImportsService,
    TraineeImporter,
    InstructorImporter,
    CourseImporter,
    LegacyCertificateImporter,
  ],
  exports: [ImportsService],
})
export class ImportsModule {}
