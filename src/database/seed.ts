import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CertificatesService } from '../certifications/certificates.service.js';
import { IssuanceService } from '../certifications/issuance.service.js';
import type { Actor } from '../common/actor.js';
import { addDays, daysBetween, today } from '../common/calendar.js';
import type { Role } from '../common/roles.js';
import { AppConfig } from '../config/app-config.js';
import { CoursesService } from '../courses/courses.service.js';
import { SessionInstructorsService } from '../courses/session-instructors.service.js';
import type { SessionStatus } from '../courses/session.entity.js';
import { SessionsService } from '../courses/sessions.service.js';
import { EnrolmentsService } from '../enrolments/enrolments.service.js';
import { ResultsService } from '../enrolments/results.service.js';
import { InstructorsService } from '../instructors/instructors.service.js';
import { QualificationsService } from '../instructors/qualifications.service.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { TraineesService } from '../trainees/trainees.service.js';
import { UsersService } from '../users/users.service.js';
import { DEMO_COURSES, DEMO_INSTRUCTORS, DEMO_ORGANISATIONS, DEMO_TRAINEES } from './demo-data.js';
import { normaliseDocumentNumber, normalisePhone } from '../trainees/identity-document.js';

export const DEMO_PASSWORD = 'Demining-Demo-2026';

export interface DemoAccount {
  role: Role;
  email: string;
  password: string;
  /** A coordinator's organisation (DEMO_ORGANISATIONS key). */
  org?: string;
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { role: 'admin', email: 'registrar@coe.example', password: DEMO_PASSWORD },
  { role: 'instructor', email: 'r.aliyev@coe.example', password: DEMO_PASSWORD },
  { role: 'trainee', email: 'leyla.huseynova@example.az', password: DEMO_PASSWORD },
  { role: 'auditor', email: 'qa.inspector@anama.example', password: DEMO_PASSWORD },
  // The NGO's coordinator: Leyla Hüseynova and Aynur Quliyeva are its people.
  {
    role: 'coordinator',
    email: 'coordinator@safefields.example',
    password: DEMO_PASSWORD,
    org: 'ngo',
  },
];

const REGISTRAR: Actor = {
  userId: null,
  roles: ['admin'],
  traineeId: null,
  instructorId: null,
  requestId: 'demo-seed',
  ip: null,
};

interface PlannedSession {
  course: string;
  startOffset: number;
  location: string;
  language: string;
  capacity: number;
  lead: number;
  assistant?: number;
  trainees: number[];
  /** Where the story of this session stops. */
  until: SessionStatus;
  /** Trainees (by index) who fail, and who miss days. */
  failing?: number[];
  absent?: number[];
}

/**
 * Loads a realistic demo data set through the same services the API uses, so every record has
 * its audit events and every rule was applied: a course catalogue with prerequisites, people,
 * past sessions with results and certificates, one in progress, open ones with a waiting list.
 * Returns false (and changes nothing) when the catalogue already has courses.
 */
export async function seedDemoData(app: INestApplicationContext): Promise<boolean> {
  const db = app.get<DataSource>(getDataSourceToken());
  const [{ count }] = (await db.query('SELECT count(*)::int AS count FROM courses')) as {
    count: number;
  }[];
  if (count > 0) return false;

  const get = <T>(type: new (...args: never[]) => T): T => app.get(type, { strict: false });
  const config = get(AppConfig);
  const T = today(config.timeZone);

  const orgIds = new Map<string, string>();
  for (const org of DEMO_ORGANISATIONS) {
    orgIds.set(
      org.key,
      (
        await get(OrganisationsService).create(REGISTRAR, {
          name: org.name,
          country: org.country,
          type: org.type,
        })
      ).id,
    );
  }

  const courseIds = new Map<string, string>();
  for (const c of DEMO_COURSES) {
    const course = await get(CoursesService).create(REGISTRAR, {
      code: c.code,
      title: c.title,
      description: c.description,
      imasReferences: c.imasReferences,
      level: c.level,
      durationDays: c.durationDays,
      passMark: c.passMark,
      minAttendancePercent: c.minAttendancePercent,
      validityMonths: c.validityMonths,
      prerequisiteCourseIds: c.prerequisites.map((code) => courseIds.get(code)!),
      renewsCourseId: c.renews ? courseIds.get(c.renews)! : null,
      requiresMedicalClearance: c.requiresMedicalClearance,
      status: c.status,
      translations: c.translations,
    });
    courseIds.set(c.code, course.id);
  }

  const instructorIds: string[] = [];
  for (const i of DEMO_INSTRUCTORS) {
    const instructor = await get(InstructorsService).create(REGISTRAR, {
      givenName: i.givenName,
      familyName: i.familyName,
      email: i.email,
      organisationId: orgIds.get(i.org)!,
    });
    instructorIds.push(instructor.id);
    for (const code of i.courses) {
      await get(QualificationsService).grant(REGISTRAR, instructor.id, {
        courseId: courseIds.get(code)!,
        validUntil: addDays(T, 730),
      });
    }
  }

  const traineeIds: string[] = [];
  for (const [index, p] of DEMO_TRAINEES.entries()) {
    const trainee = await get(TraineesService).create(REGISTRAR, {
      givenName: p.givenName,
      familyName: p.familyName,
      dateOfBirth: p.dateOfBirth,
      sex: p.sex,
      nationality: p.nationality,
      organisationId: orgIds.get(p.org)!,
      // One trainee's medical clearance has lapsed, to show the refusal in field courses.
      medicalClearanceUntil: index === 9 ? addDays(T, -10) : addDays(T, 300),
      // As a registrar types them; the service normalises them as it does any request's.
      identityDocument: p.identityDocument && {
        type: p.identityDocument.type,
        number: normaliseDocumentNumber(p.identityDocument.number),
      },
      phone: p.phone && normalisePhone(p.phone),
    });
    traineeIds.push(trainee.id);
  }

  for (const account of DEMO_ACCOUNTS) {
    await get(UsersService).create(REGISTRAR, {
      email: account.email,
      password: account.password,
      roles: [account.role],
      traineeId: account.role === 'trainee' ? traineeIds[0] : undefined,
      instructorId: account.role === 'instructor' ? instructorIds[0] : undefined,
      organisationId: account.org ? orgIds.get(account.org) : undefined,
    });
  }

  const plan: PlannedSession[] = [
    {
      course: 'DEM-BASIC',
      startOffset: -150,
      location: 'Goygol field training area',
      language: 'az',
      capacity: 16,
      lead: 0,
      assistant: 3,
      trainees: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 19],
      until: 'completed',
      failing: [11],
      absent: [10],
    },
    {
      course: 'NTS',
      startOffset: -40,
      location: 'CoE classroom 2, Baku',
      language: 'en',
      capacity: 20,
      lead: 1,
      trainees: [12, 13, 14, 15, 16, 17, 18],
      until: 'completed',
    },
    {
      course: 'EOD-1',
      startOffset: -70,
      location: 'Goygol field training area',
      language: 'az',
      capacity: 10,
      lead: 0,
      trainees: [0, 1, 2, 3, 4, 5, 6, 7],
      until: 'completed',
      failing: [7],
    },
    {
      course: 'EOD-2',
      startOffset: -4,
      location: 'Goygol demolition range',
      language: 'az',
      capacity: 6,
      lead: 2,
      assistant: 0,
      trainees: [0, 1, 2, 3],
      until: 'in_progress',
    },
    {
      course: 'EOD-1',
      startOffset: 14,
      location: 'Goygol field training area',
      language: 'az',
      capacity: 2,
      lead: 0,
      trainees: [8, 7, 19, 9],
      until: 'open',
    },
    {
      course: 'EORE',
      startOffset: 21,
      location: 'Tartar community centre',
      language: 'az',
      capacity: 18,
      lead: 1,
      trainees: [4, 6, 17],
      until: 'open',
    },
    {
      course: 'NTS',
      startOffset: 28,
      location: 'CoE classroom 2, Baku',
      language: 'ru',
      capacity: 20,
      lead: 0,
      trainees: [5, 11],
      until: 'open',
    },
    {
      course: 'MED-FIELD',
      startOffset: 45,
      location: 'CoE medical training room',
      language: 'en',
      capacity: 12,
      lead: 1,
      trainees: [],
      until: 'planned',
    },
    {
      course: 'EOD-3',
      startOffset: 60,
      location: 'Goygol demolition range',
      language: 'en',
      capacity: 8,
      lead: 2,
      trainees: [],
      until: 'planned',
    },
  ];
  for (const s of plan) await runSession(app, T, s, courseIds, instructorIds, traineeIds);

  // A register that has been in use has exceptions: one certificate revoked, one suspended.
  const certificateOf = async (trainee: number, course: string) =>
    (
      (await db.query('SELECT id FROM certificates WHERE trainee_id = $1 AND course_id = $2', [
        traineeIds[trainee],
        courseIds.get(course),
      ])) as {
        id: string;
      }[]
    )[0].id;
  const certificates = get(CertificatesService);
  await certificates.changeStatus(REGISTRAR, await certificateOf(16, 'NTS'), 'revoke', {
    reason: 'issued_in_error',
    note: 'Trainee attended only the theory part; certificate withdrawn after QA review.',
  });
  await certificates.changeStatus(REGISTRAR, await certificateOf(5, 'DEM-BASIC'), 'suspend', {
    reason: 'qa_finding',
    note: 'Unsafe excavation observed during a QA site visit; suspended pending retraining.',
  });
  return true;
}

async function runSession(
  app: INestApplicationContext,
  T: string,
  s: PlannedSession,
  courseIds: Map<string, string>,
  instructorIds: string[],
  traineeIds: string[],
): Promise<void> {
  const get = <X>(type: new (...args: never[]) => X): X => app.get(type, { strict: false });
  const courseId = courseIds.get(s.course)!;
  const course = DEMO_COURSES.find((c) => c.code === s.course)!;
  const startsOn = addDays(T, s.startOffset);
  const endsOn = addDays(startsOn, course.durationDays - 1);
  const sessions = get(SessionsService);
  const session = await sessions.create(
    REGISTRAR,
    courseId,
    { startsOn, endsOn, location: s.location, language: s.language, capacity: s.capacity },
    { allowPastStart: true },
  );
  await get(SessionInstructorsService).assign(REGISTRAR, session.id, {
    instructorId: instructorIds[s.lead],
    role: 'lead',
  });
  if (s.assistant !== undefined) {
    await get(SessionInstructorsService).assign(REGISTRAR, session.id, {
      instructorId: instructorIds[s.assistant],
      role: 'assistant',
    });
  }
  if (s.until === 'planned') return;
  await sessions.changeStatus(REGISTRAR, session.id, { status: 'open' });
  const enrolmentIds: [number, string][] = [];
  for (const t of s.trainees) {
    try {
      enrolmentIds.push([
        t,
        (await get(EnrolmentsService).enrol(REGISTRAR, session.id, traineeIds[t])).id,
      ]);
    } catch {
      // A refused enrolment (lapsed medical clearance, missing prerequisite) is part of the story.
    }
  }
  if (s.until === 'open') return;
  await sessions.changeStatus(REGISTRAR, session.id, { status: 'in_progress' });
  const lead: Actor = {
    ...REGISTRAR,
    roles: ['instructor'],
    instructorId: instructorIds[s.lead],
    requestId: 'demo-seed',
  };
  const pastDays = daysBetween(startsOn, endsOn < T ? endsOn : T);
  for (const [t, enrolmentId] of enrolmentIds) {
    const absent = s.absent?.includes(t) ?? false;
    await get(ResultsService).recordAttendance(lead, enrolmentId, {
      days: pastDays.map((date, i) => ({ date, present: !(absent && i % 3 === 0) })),
    });
    if (s.until !== 'completed') continue;
    const failing = s.failing?.includes(t) ?? false;
    await get(ResultsService).recordAssessment(lead, enrolmentId, {
      theoryScore: failing ? 58 : 78 + ((t * 7) % 20),
      practicalScore: failing ? 64 : 80 + ((t * 5) % 18),
    });
  }
  if (s.until !== 'completed') return;
  await sessions.changeStatus(REGISTRAR, session.id, { status: 'completed' });
  // Certificates of past sessions are dated the day after the session ended, as they were.
  await get(IssuanceService).issueForSession(lead, session.id, { issuedOn: addDays(endsOn, 1) });
}
