import { AccountToken } from '../accounts/account-token.entity.js';
import { AuditCheckpoint } from '../audit/audit-checkpoint.entity.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { AuthSession } from '../auth/auth-session.entity.js';
import { RefreshToken } from '../auth/refresh-token.entity.js';
import { Certificate } from '../certifications/certificate.entity.js';
import { SigningKey } from '../credentials/signing-key.entity.js';
import { RateLimitBucket } from '../common/rate-limit-bucket.entity.js';
import { Course } from '../courses/course.entity.js';
import { SessionInstructor } from '../courses/session-instructor.entity.js';
import { SessionReservation } from '../courses/session-reservation.entity.js';
import { CourseSession } from '../courses/session.entity.js';
import { AttendanceDay } from '../enrolments/attendance-day.entity.js';
import { Enrolment } from '../enrolments/enrolment.entity.js';
import { Inspection } from '../inspections/inspection.entity.js';
import { Instructor } from '../instructors/instructor.entity.js';
import { ScheduledRun } from '../jobs/scheduled-run.entity.js';
import { Notification } from '../notifications/notification.entity.js';
import { Qualification } from '../instructors/qualification.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { Recognition } from '../recognitions/recognition.entity.js';
import { Trainee } from '../trainees/trainee.entity.js';
import { TrustedIssuer } from '../trusted-issuers/trusted-issuer.entity.js';
import { User } from '../users/user.entity.js';

/** Every entity, listed once: the app, the CLI data source and the tests use this list. */
export const ENTITIES = [
  User,
  AccountToken,
  AuthSession,
  RefreshToken,
  RateLimitBucket,
  AuditEvent,
  AuditCheckpoint,
  Organisation,
  Course,
  CourseSession,
  SessionInstructor,
  SessionReservation,
  Trainee,
  Instructor,
  Qualification,
  Enrolment,
  AttendanceDay,
  Certificate,
  SigningKey,
  Notification,
  ScheduledRun,
  TrustedIssuer,
  Recognition,
  Inspection,
];
