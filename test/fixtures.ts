import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  Certificate,
  type StoredCertificateStatus,
} from '../src/certifications/certificate.entity.js';
import { Course } from '../src/courses/course.entity.js';
import {
  SessionInstructor,
  type InstructorRole,
} from '../src/courses/session-instructor.entity.js';
import { CourseSession, type SessionStatus } from '../src/courses/session.entity.js';
import { Enrolment } from '../src/enrolments/enrolment.entity.js';
import { Instructor } from '../src/instructors/instructor.entity.js';
import { Qualification } from '../src/instructors/qualification.entity.js';
import { Organisation } from '../src/organisations/organisation.entity.js';
import { identityKey } from '../src/trainees/identity-key.js';
import { Trainee } from '../src/trainees/trainee.entity.js';
import type { TestApp } from './app.js';
import { createUser } from './factories.js';

/**
 * Direct-to-database factories for arranging a test's world quickly. They bypass the API on
 * purpose (no audit events): tests then exercise the API for the behaviour under test.
 */
const unique = () => randomUUID().slice(0, 8);

export async function makeOrganisation(db: DataSource, init: Partial<Organisation> = {}) {
  return db
    .getRepository(Organisation)
    .save({ name: `Demining Operator ${unique()}`, country: 'AZ', type: 'ngo', ...init });
}

export async function makeCourse(
  db: DataSource,
  init: Partial<Course> & { prerequisiteIds?: string[] } = {},
) {
  const { prerequisiteIds = [], ...rest } = init;
  const course = await db.getRepository(Course).save({
    code: `C-${unique().toUpperCase()}`,
    title: 'Explosive Ordnance Disposal Level 1',
    description: 'Basic EOD',
    imasReferences: ['IMAS 09.30'],
    level: 'EOD 1',
    durationDays: 5,
    passMark: 70,
    minAttendancePercent: 80,
    validityMonths: 24,
    renewsCourseId: null,
    requiresMedicalClearance: false,
    status: 'active',
    ...rest,
  });
  for (const prerequisiteId of prerequisiteIds) {
    await db.query(
      'INSERT INTO course_prerequisites (course_id, prerequisite_course_id) VALUES ($1, $2)',
      [course.id, prerequisiteId],
    );
  }
  return course;
}

export async function makeSession(
  db: DataSource,
  courseId: string,
  init: Partial<CourseSession> = {},
) {
  return db.getRepository(CourseSession).save({
    courseId,
    startsOn: '2026-12-07',
    endsOn: '2026-12-11',
    location: 'Goygol field training area',
    language: 'az',
    capacity: 10,
    status: 'open' as SessionStatus,
    ...init,
  });
}

export async function makeTrainee(db: DataSource, init: Partial<Trainee> = {}) {
  const t = {
    givenName: 'Leyla',
    familyName: `Huseynova-${unique()}`,
    dateOfBirth: '1995-04-12',
    sex: 'female' as const,
    nationality: 'AZ',
    organisationId: null,
    email: null,
    medicalClearanceUntil: null,
    ...init,
  };
  return db.getRepository(Trainee).save({ ...t, identityKey: identityKey(t) });
}

export async function makeInstructor(db: DataSource, init: Partial<Instructor> = {}) {
  return db.getRepository(Instructor).save({
    givenName: 'Rashad',
    familyName: 'Aliyev',
    email: `instructor-${unique()}@coe.test`,
    organisationId: null,
    ...init,
  });
}

export async function qualify(
  db: DataSource,
  instructorId: string,
  courseId: string,
  validUntil = '2030-12-31',
) {
  return db.getRepository(Qualification).save({ instructorId, courseId, validUntil });
}

export async function assign(
  db: DataSource,
  sessionId: string,
  instructorId: string,
  role: InstructorRole = 'lead',
) {
  return db.getRepository(SessionInstructor).save({ sessionId, instructorId, role });
}

let fixtureListIndex = 0;

export async function makeCertificate(
  db: DataSource,
  init: {
    traineeId: string;
    courseId: string;
    validUntil?: string | null;
    status?: StoredCertificateStatus;
    issuedAt?: Date;
  },
) {
  return db.getRepository(Certificate).save({
    serial: `TEST-${unique().toUpperCase()}`,
    traineeId: init.traineeId,
    courseId: init.courseId,
    sessionId: null,
    enrolmentId: null,
    issuedBy: null,
    issuedAt: init.issuedAt ?? new Date('2025-01-15T10:00:00Z'),
    validUntil: init.validUntil === undefined ? '2030-01-15' : init.validUntil,
    status: init.status ?? 'active',
    imported: true,
    // Fixture certificates sit in list 0, which the application never allocates from.
    statusListNumber: 0,
    statusListIndex: fixtureListIndex++,
    credentialJwt: '',
  });
}

/** A seat in a completed session, passed with full attendance: eligible for a certificate. */
export async function makePassedEnrolment(db: DataSource, sessionId: string, traineeId: string) {
  return db.getRepository(Enrolment).save({
    sessionId,
    traineeId,
    status: 'completed',
    passed: true,
    attendancePercent: 100,
    theoryScore: 90,
    practicalScore: 90,
  });
}

/**
 * A completed session (2-6 November 2026) of a new course, with an instructor assigned,
 * qualified for the course and signed in: the starting point of every issuance test.
 */
export async function completedSessionWithInstructor(
  t: TestApp,
  courseInit: Parameters<typeof makeCourse>[1] = {},
) {
  const course = await makeCourse(t.db, courseInit);
  const session = await makeSession(t.db, course.id, {
    startsOn: '2026-11-02',
    endsOn: '2026-11-06',
    status: 'completed',
  });
  const instructor = await makeInstructor(t.db);
  await qualify(t.db, instructor.id, course.id);
  await assign(t.db, session.id, instructor.id);
  const instructorUser = await createUser(t, ['instructor'], { instructorId: instructor.id });
  return { course, session, instructor, instructorUser };
}
