import { Foundation1795847927462 } from './1795847927462-Foundation.js';
import { CatalogueEnrolmentCertificates1795848312739 } from './1795848312739-CatalogueEnrolmentCertificates.js';
import { Credentials1795848675458 } from './1795848675458-Credentials.js';
import { DataIntegrityCredentials1795850280221 } from './1795850280221-DataIntegrityCredentials.js';
import { CertificateStatusIndex1795856066876 } from './1795856066876-CertificateStatusIndex.js';
import { ChangeNotifications1795900000000 } from './1795900000000-ChangeNotifications.js';
import { TrainingSeats1795900000100 } from './1795900000100-TrainingSeats.js';
import { VerificationVersion1795900000200 } from './1795900000200-VerificationVersion.js';
import { AuthSessions1796402333582 } from './1796402333582-AuthSessions.js';
import { AuditRequestIdsAndCheckpoints1796402550165 } from './1796402550165-AuditRequestIdsAndCheckpoints.js';
import { CertificateSessionIndex1796406073848 } from './1796406073848-CertificateSessionIndex.js';
import { JoiningInstructionsContactEmail1796424400000 } from './1796424400000-JoiningInstructionsContactEmail.js';
import { Notifications1796500000000 } from './1796500000000-Notifications.js';
import { AccountTokens1796500000100 } from './1796500000100-AccountTokens.js';
import { ScheduledRuns1796500000200 } from './1796500000200-ScheduledRuns.js';
import { CoordinatorOrganisation1796600000000 } from './1796600000000-CoordinatorOrganisation.js';
import { ReservedSeats1796600000100 } from './1796600000100-ReservedSeats.js';
import { CourseInstructorRatio1796600000300 } from './1796600000300-CourseInstructorRatio.js';
import { TraineeIdentityDocuments1796600000400 } from './1796600000400-TraineeIdentityDocuments.js';
import { CourseTranslations1796600000410 } from './1796600000410-CourseTranslations.js';
import { StatusListCredentials1796600000520 } from './1796600000520-StatusListCredentials.js';
import { TrustedIssuersRecognitions1796600000530 } from './1796600000530-TrustedIssuersRecognitions.js';
import { Inspections1796600000600 } from './1796600000600-Inspections.js';
import { AuditPending1796600000700 } from './1796600000700-AuditPending.js';
import { NotificationsClaimOrder1796600000800 } from './1796600000800-NotificationsClaimOrder.js';
import { AccessChangeNotifications1796600000900 } from './1796600000900-AccessChangeNotifications.js';

/** Every migration, in order. `npm run migration:generate -- migrations/Name` writes a new file: add it here. */
export const MIGRATIONS = [
  Foundation1795847927462,
  CatalogueEnrolmentCertificates1795848312739,
  Credentials1795848675458,
  DataIntegrityCredentials1795850280221,
  CertificateStatusIndex1795856066876,
  ChangeNotifications1795900000000,
  TrainingSeats1795900000100,
  VerificationVersion1795900000200,
  AuthSessions1796402333582,
  AuditRequestIdsAndCheckpoints1796402550165,
  CertificateSessionIndex1796406073848,
  JoiningInstructionsContactEmail1796424400000,
  Notifications1796500000000,
  AccountTokens1796500000100,
  ScheduledRuns1796500000200,
  CoordinatorOrganisation1796600000000,
  ReservedSeats1796600000100,
  CourseInstructorRatio1796600000300,
  TraineeIdentityDocuments1796600000400,
  CourseTranslations1796600000410,
  StatusListCredentials1796600000520,
  TrustedIssuersRecognitions1796600000530,
  Inspections1796600000600,
  AuditPending1796600000700,
  NotificationsClaimOrder1796600000800,
  AccessChangeNotifications1796600000900,
];
