import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Course } from '../src/courses/course.entity.js';
import { CourseSession } from '../src/courses/session.entity.js';
import { Enrolment } from '../src/enrolments/enrolment.entity.js';
import { readEnrolmentFacts } from '../src/enrolments/enrolment-rules.js';
import {
  insertEnrolment,
  lockSessionRow,
  readEnrolmentCase,
} from '../src/enrolments/enrolment-statements.js';
import { Trainee } from '../src/trainees/trainee.entity.js';
import { startTestApp, type TestApp } from './app.js';
import { makeCourse, makeSession, makeTrainee } from './fixtures.js';

/**
 * The enrolment's hand-written statements (issue 20: fewer round trips) must read exactly the
 * entities TypeORM reads, and write what the seat rule decided as TypeORM's save and increment
 * did: the session's count, version and line.
 */
describe('enrolment statements', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ mailWorker: false });
  });
  afterAll(() => t.close());

  it('reads the session, course and trainee as findOneBy does, and the same facts', async () => {
    const prerequisite = await makeCourse(t.db);
    const course = await makeCourse(t.db, {
      prerequisiteIds: [prerequisite.id],
      requiresMedicalClearance: true,
    });
    const session = await makeSession(t.db, course.id);
    const trainee = await makeTrainee(t.db, {
      email: 'leyla@example.org',
      medicalClearanceUntil: '2027-03-01',
    });
    const tz = t.config.timeZone;

    const read = await t.db.transaction((tx) => readEnrolmentCase(tx, session.id, trainee.id, tz));

    expect(read.session).toBeInstanceOf(CourseSession);
    expect(read.session).toEqual(
      await t.db.getRepository(CourseSession).findOneBy({ id: session.id }),
    );
    expect(read.course).toBeInstanceOf(Course);
    expect(read.course).toEqual(await t.db.getRepository(Course).findOneBy({ id: course.id }));
    expect(read.trainee).toBeInstanceOf(Trainee);
    expect(read.trainee).toEqual(await t.db.getRepository(Trainee).findOneBy({ id: trainee.id }));
    const facts = await readEnrolmentFacts(
      t.db.manager,
      read.trainee!,
      [read.session!],
      new Map([[course.id, read.course!]]),
      tz,
    );
    expect(facts.get(session.id)!.missingPrerequisites).toEqual([prerequisite.code]);
    expect(read.facts.missing.map((row) => row.code)).toEqual([prerequisite.code]);
    expect(read.facts.latest).toEqual([]);
    expect(read.facts.held).toEqual([]);
  });

  it('answers null for an unknown session or trainee, not a half-read entity', async () => {
    const course = await makeCourse(t.db);
    const session = await makeSession(t.db, course.id);
    const trainee = await makeTrainee(t.db);
    const tz = t.config.timeZone;
    const noSession = await t.db.transaction((tx) =>
      readEnrolmentCase(tx, randomUUID(), trainee.id, tz),
    );
    expect(noSession).toMatchObject({ session: null, course: null });
    expect(noSession.trainee?.id).toBe(trainee.id);
    const noTrainee = await t.db.transaction((tx) =>
      readEnrolmentCase(tx, session.id, randomUUID(), tz),
    );
    expect(noTrainee.trainee).toBeNull();
    expect(noTrainee.session?.id).toBe(session.id);
    expect(await t.db.transaction((tx) => lockSessionRow(tx, randomUUID()))).toBeNull();
  });

  it('takes a seat (count, version) or the next place in line, as the seat rule decided', async () => {
    const course = await makeCourse(t.db);
    const session = await makeSession(t.db, course.id, { capacity: 1 });
    const [first, second, third] = await Promise.all([
      makeTrainee(t.db),
      makeTrainee(t.db),
      makeTrainee(t.db),
    ]);
    const enrol = (traineeId: string, status: 'enrolled' | 'waitlisted') =>
      t.db.transaction(async (tx) => {
        await lockSessionRow(tx, session.id);
        return insertEnrolment(tx, {
          id: randomUUID(),
          sessionId: session.id,
          traineeId,
          status,
          reservedOrganisationId: null,
        });
      });

    const seated = await enrol(first.id, 'enrolled');
    const waiting = [await enrol(second.id, 'waitlisted'), await enrol(third.id, 'waitlisted')];

    expect(seated).toBeInstanceOf(Enrolment);
    expect(seated).toEqual(await t.db.getRepository(Enrolment).findOneBy({ id: seated.id }));
    expect(seated).toMatchObject({ status: 'enrolled', waitlistPosition: null, version: 1 });
    expect(waiting.map((e) => [e.status, e.waitlistPosition])).toEqual([
      ['waitlisted', 1],
      ['waitlisted', 2],
    ]);
    const after = await t.db.getRepository(CourseSession).findOneByOrFail({ id: session.id });
    // Only the seat counts and moves the version; places in line do not touch the session.
    expect(after.seatsTaken).toBe(1);
    expect(after.version).toBe(session.version + 1);
  });
});
