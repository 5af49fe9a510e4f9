import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ParsedMail } from 'mailparser';
import { randomUUID } from 'node:crypto';
import { addDays, today } from '../src/common/calendar.js';
import { JobScheduler } from '../src/jobs/job-scheduler.js';
import { JobsService } from '../src/jobs/jobs.service.js';
import { DAILY_JOBS } from '../src/jobs/reminder-scan.js';
import { NotificationWorker } from '../src/notifications/notification-worker.js';
import { startPeerApp, startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import {
  makeCertificate,
  makeCourse,
  makeInstructor,
  makeOrganisation,
  makeSession,
  makeTrainee,
  qualify,
} from './fixtures.js';
import { startSmtpCapture, type SmtpCapture } from './smtp.js';

/**
 * The daily scan: expiry reminders at 90 and 30 days, session reminders 7 and 1 day before,
 * instructors' qualifications 60 days before, the organisations' weekly digest. Each reminder
 * once, however often and on however many instances the scan runs.
 */

const address = (who: string) => `${who}-${randomUUID().slice(0, 8)}@mail.test`;
const day = today('UTC');

describe('the daily reminder scan', () => {
  let smtp: SmtpCapture;
  let t: TestApp;
  let admin: SignedInUser;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    t = await startTestApp({ smtpUrl: smtp.url });
    admin = await createUser(t, ['admin']);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  async function mailTo(to: string): Promise<ParsedMail[]> {
    await t.app.get(NotificationWorker).drain();
    return smtp.messages.filter(
      (m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === to,
    );
  }

  async function holder(country: string, name: string, account?: { reminders?: boolean }) {
    const org = await makeOrganisation(t.db, { country });
    const email = address(name.toLowerCase());
    const person = await makeTrainee(t.db, { givenName: name, organisationId: org.id, email });
    let user: SignedInUser | null = null;
    if (account) {
      user = await createUser(t, ['trainee'], { traineeId: person.id, email });
      await t.db.query('UPDATE users SET reminders = $2 WHERE id = $1', [
        user.id,
        account.reminders ?? true,
      ]);
    }
    return { ...person, email, org, user };
  }

  const runScan = (who: SignedInUser = admin) =>
    t.http.post('/api/v1/jobs/expiry-reminders').set(who.auth);

  describe('POST /api/v1/jobs/expiry-reminders', () => {
    let course: Awaited<ReturnType<typeof makeCourse>>;
    let refresher: Awaited<ReturnType<typeof makeCourse>>;
    let renewal: Awaited<ReturnType<typeof makeSession>>;
    let in60: Awaited<ReturnType<typeof holder>>;
    let in20: Awaited<ReturnType<typeof holder>>;
    let in120: Awaited<ReturnType<typeof holder>>;
    let cert60: Awaited<ReturnType<typeof makeCertificate>>;
    let cert20: Awaited<ReturnType<typeof makeCertificate>>;
    let contact: string;
    let first: { status: number; body: { queued: number; byType: Record<string, number> } };

    beforeAll(async () => {
      course = await makeCourse(t.db, { title: 'Explosive Ordnance Disposal Level 1' });
      refresher = await makeCourse(t.db, {
        title: 'EOD Level 1 refresher',
        renewsCourseId: course.id,
      });
      renewal = await makeSession(t.db, refresher.id, {
        startsOn: addDays(day, 10),
        endsOn: addDays(day, 12),
        location: 'Baku training centre',
      });
      in60 = await holder('GB', 'Elmar');
      in20 = await holder('AZ', 'Aysel');
      in120 = await holder('GB', 'Later');
      cert60 = await makeCertificate(t.db, {
        traineeId: in60.id,
        courseId: course.id,
        validUntil: addDays(day, 60),
      });
      cert20 = await makeCertificate(t.db, {
        traineeId: in20.id,
        courseId: course.id,
        validUntil: addDays(day, 20),
      });
      await makeCertificate(t.db, {
        traineeId: in120.id,
        courseId: course.id,
        validUntil: addDays(day, 120),
      });
      // Elmar's organisation has a contact address: its weekly digest lists his certificate.
      contact = address('hr');
      await t.db.query('UPDATE organisations SET contact_email = $2, name = $3 WHERE id = $1', [
        in60.org.id,
        contact,
        'Safe Ground Demining',
      ]);
      first = await runScan();
    });

    it('answers 202 with how many messages it queued, by type', () => {
      expect(first.status).toBe(202);
      expect(first.body).toEqual({
        day,
        queued: expect.any(Number),
        byType: expect.objectContaining({
          'certificate.expiring': 2,
          'organisation.expiry_digest': 1,
        }),
      });
      const sum = Object.values(first.body.byType).reduce((a, b) => a + b, 0);
      expect(first.body.queued).toBe(sum);
    });

    it('reminds at 90 days, with the next open session of a refresher that renews it', async () => {
      const [mail] = await mailTo(in60.email);
      expect(mail.subject).toBe(
        `Your certificate in ${course.code} ${course.title} expires on ${addDays(day, 60)}`,
      );
      expect(mail.text).toContain('(60 days from today)');
      expect(mail.text).toContain(
        `${addDays(day, 10)} – ${addDays(day, 12)}, ${refresher.code} ${refresher.title}, Baku training centre`,
      );
      expect(mail.html).toContain(`href="http://coe.test/app/sessions/${renewal.id}"`);
      const [row] = (await t.db.query(
        `SELECT idempotency_key FROM notifications WHERE recipient = $1`,
        [in60.email],
      )) as Array<{ idempotency_key: string }>;
      expect(row.idempotency_key).toBe(`certificate.expiring:${cert60.id}:90`);
    });

    it('reminds at 30 days, in the language of the holder’s country', async () => {
      const [mail] = await mailTo(in20.email);
      expect(mail.subject).toBe(
        `«${course.code} ${course.title}» kursu üzrə sertifikatınızın müddəti ${addDays(day, 20)} tarixində bitir`,
      );
      const keys = (await t.db.query(
        `SELECT idempotency_key FROM notifications WHERE recipient = $1`,
        [in20.email],
      )) as Array<{ idempotency_key: string }>;
      expect(keys.map((k) => k.idempotency_key)).toEqual([`certificate.expiring:${cert20.id}:30`]);
    });

    it('leaves certificates expiring later alone', async () => {
      expect(await mailTo(in120.email)).toEqual([]);
    });

    it('sends the organisation its digest of people’s certificates expiring within 90 days', async () => {
      const [mail] = await mailTo(contact);
      expect(mail.subject).toBe('Certificates expiring within 90 days: Safe Ground Demining (1)');
      expect(mail.text).toContain(
        `${addDays(day, 60)}  Elmar ${in60.familyName}: ${course.code} ${course.title} (${cert60.serial})`,
      );
      // Later certificates and other organisations' people are not listed.
      expect(mail.text).not.toContain(in120.familyName);
      expect(mail.text).not.toContain(in20.familyName);
    });

    it('sends each reminder once when run again', async () => {
      const before = smtp.messages.length;
      const again = await runScan();
      expect(again.status).toBe(202);
      expect(again.body).toEqual({ day, queued: 0, byType: {} });
      await t.app.get(NotificationWorker).drain();
      expect(smtp.messages.length).toBe(before);
      expect(await mailTo(in60.email)).toHaveLength(1);
    });

    it('is for admins only', async () => {
      const auditor = await createUser(t, ['auditor']);
      const trainee = await createUser(t, ['trainee']);
      expectError(await runScan(auditor), 403);
      expectError(await runScan(trainee), 403);
      expectError(await t.http.post('/api/v1/jobs/expiry-reminders'), 401);
    });

    it('is documented in OpenAPI: admins, 202 with the counts', async () => {
      const doc = (await t.http.get('/docs-json')).body as {
        paths: Record<string, Record<string, Record<string, unknown>>>;
        components: { schemas: Record<string, { properties: Record<string, unknown> }> };
      };
      const op = doc.paths['/api/v1/jobs/expiry-reminders'].post;
      expect(op['x-roles']).toEqual(['admin']);
      expect(op['x-permission']).toBe('jobs.run');
      expect(Object.keys(op.responses as object)).toEqual(
        expect.arrayContaining(['202', '401', '403']),
      );
      expect(Object.keys(doc.components.schemas.ExpiryRemindersRunDto.properties)).toEqual([
        'day',
        'queued',
        'byType',
      ]);
    });
  });

  describe('session and qualification reminders', () => {
    it('reminds trainees with a seat 7 days and 1 day before, with venue, instructions and a calendar file', async () => {
      const course = await makeCourse(t.db, { title: 'Mine detection dog handler' });
      const week = await makeSession(t.db, course.id, {
        startsOn: addDays(day, 7),
        endsOn: addDays(day, 9),
        capacity: 1,
        location: 'Goygol field training area',
        joiningInstructions: 'Gate 2 at 08:30.\nBring boots.',
      });
      const tomorrow = await makeSession(t.db, course.id, {
        startsOn: addDays(day, 1),
        endsOn: addDays(day, 1),
        location: 'Baku',
      });
      const rustam = await holder('KG', 'Rustam');
      const waiting = await holder('GB', 'Waiting');
      const kamal = await holder('GB', 'Kamal');
      await t.db.query(
        `INSERT INTO enrolments (session_id, trainee_id, status, waitlist_position)
         VALUES ($1, $2, 'enrolled', NULL), ($1, $3, 'waitlisted', 1), ($4, $5, 'enrolled', NULL)`,
        [week.id, rustam.id, waiting.id, tomorrow.id, kamal.id],
      );
      const lead = await makeInstructor(t.db, { givenName: 'Rashad', familyName: 'Aliyev' });
      await t.db.query(
        `INSERT INTO session_instructors (session_id, instructor_id, role) VALUES ($1, $2, 'lead')`,
        [week.id, lead.id],
      );

      const res = await runScan();
      expect(res.body.byType['session.reminder']).toBe(2);
      const [toRustam] = await mailTo(rustam.email);
      // Kyrgyzstan: Russian.
      expect(toRustam.subject).toBe(
        `Напоминание: «${course.code} ${course.title}» начинается через 7 дней`,
      );
      expect(toRustam.text).toContain('Goygol field training area');
      expect(toRustam.text).toContain('Gate 2 at 08:30.\nBring boots.');
      expect(toRustam.text).toContain('Rashad Aliyev');
      const ics = toRustam.attachments.find((a) => a.filename === 'session.ics')!;
      const lines = ics.content
        .toString('utf8')
        .replace(/\r\n[ \t]/g, '')
        .split('\r\n');
      expect(lines).toContain(`UID:session-${week.id}@coe.test`);
      expect(lines).toContain(`DTSTART;VALUE=DATE:${addDays(day, 7).replace(/-/g, '')}`);
      expect(lines).toContain(`DTEND;VALUE=DATE:${addDays(day, 10).replace(/-/g, '')}`);
      expect(lines).toContain('DESCRIPTION:Gate 2 at 08:30.\\nBring boots.');

      const [toKamal] = await mailTo(kamal.email);
      expect(toKamal.subject).toBe(`Reminder: ${course.code} ${course.title} starts tomorrow`);
      // A place in line is not a seat: no reminder.
      expect(await mailTo(waiting.email)).toEqual([]);
    });

    it('reminds an instructor 60 days before a qualification lapses, unless it was renewed', async () => {
      const course = await makeCourse(t.db);
      const lapsing = await makeInstructor(t.db, { email: address('lapsing') });
      const renewed = await makeInstructor(t.db, { email: address('renewed') });
      const qualification = await qualify(t.db, lapsing.id, course.id, addDays(day, 45));
      await qualify(t.db, renewed.id, course.id, addDays(day, 30));
      await qualify(t.db, renewed.id, course.id, addDays(day, 800));

      const res = await runScan();
      expect(res.body.byType['qualification.expiring']).toBe(1);
      const [mail] = await mailTo(lapsing.email);
      expect(mail.subject).toBe(
        `Your qualification to teach ${course.code} ${course.title} ends on ${addDays(day, 45)}`,
      );
      expect(mail.text).toContain(`http://coe.test/app/instructors/${lapsing.id}`);
      const [row] = (await t.db.query(
        'SELECT idempotency_key FROM notifications WHERE recipient = $1',
        [lapsing.email],
      )) as Array<{ idempotency_key: string }>;
      expect(row.idempotency_key).toBe(`qualification.expiring:${qualification.id}:60`);
      expect(await mailTo(renewed.email)).toEqual([]);
    });
  });

  describe('the reminders preference', () => {
    it('suppresses reminders for a person who turned them off, but not security mail', async () => {
      const course = await makeCourse(t.db);
      const quiet = await holder('GB', 'Quiet', { reminders: false });
      await makeCertificate(t.db, {
        traineeId: quiet.id,
        courseId: course.id,
        validUntil: addDays(day, 25),
      });
      const session = await makeSession(t.db, course.id, {
        startsOn: addDays(day, 1),
        endsOn: addDays(day, 2),
      });
      await t.db.query(
        `INSERT INTO enrolments (session_id, trainee_id, status) VALUES ($1, $2, 'enrolled')`,
        [session.id, quiet.id],
      );
      expect((await runScan()).status).toBe(202);
      expect(await mailTo(quiet.email)).toEqual([]);

      // A reset link is security mail: it goes whatever the preference.
      const reset = await t.http
        .post(`/api/v1/users/${quiet.user!.id}/password-reset`)
        .set(admin.auth);
      expect(reset.status).toBe(202);
      const mails = await mailTo(quiet.email);
      expect(mails.map((m) => m.subject)).toEqual(['Reset your password']);
    });
  });

  describe('the schedule', () => {
    const runs = async () =>
      (await t.db.query(
        `SELECT job, to_char(run_on, 'YYYY-MM-DD') AS run_on, finished_at IS NOT NULL AS finished
           FROM scheduled_runs ORDER BY job`,
      )) as Array<{ job: string; run_on: string; finished: boolean }>;

    it('runs each job once a day, and again after one that failed', async () => {
      const course = await makeCourse(t.db);
      const lapsing = await makeInstructor(t.db, { email: address('scheduled') });
      await qualify(t.db, lapsing.id, course.id, addDays(day, 10));
      // The qualification job fails once: its mail cannot be stored.
      await t.db.query(`
        CREATE FUNCTION refuse_qualification_mail() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.type = 'qualification.expiring' THEN RAISE EXCEPTION 'mail store refused'; END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_qualification_mail BEFORE INSERT ON notifications
          FOR EACH ROW EXECUTE FUNCTION refuse_qualification_mail();`);
      const jobs = t.app.get(JobsService);
      try {
        expect(await jobs.runDue()).toEqual(DAILY_JOBS.filter((j) => j !== 'qualification-expiry'));
      } finally {
        await t.db.query(
          'DROP TRIGGER refuse_qualification_mail ON notifications; DROP FUNCTION refuse_qualification_mail();',
        );
      }
      // The failed run left no claim: the next check runs it, and only it.
      expect((await runs()).map((r) => r.job)).toEqual(
        DAILY_JOBS.filter((j) => j !== 'qualification-expiry').sort(),
      );
      expect(await jobs.runDue()).toEqual(['qualification-expiry']);
      expect(await jobs.runDue()).toEqual([]);
      expect(await runs()).toEqual(
        [...DAILY_JOBS].sort().map((job) => ({ job, run_on: day, finished: true })),
      );
      expect(await mailTo(lapsing.email)).toHaveLength(1);
      // Tomorrow is another day.
      const tomorrow = new Date(Date.now() + 86_400_000);
      expect(await jobs.runDue(tomorrow)).toEqual([...DAILY_JOBS]);
    });

    it('stops on shutdown only once a check under way has finished', async () => {
      const peer = await startPeerApp(t, { scheduledJobs: true });
      const later = new Date(Date.now() + 9 * 86_400_000);
      const check = peer.app.get(JobScheduler).check(later);
      // Closing waits for the check: the database is not closed beneath it.
      await peer.close();
      await check;
      const [{ n }] = (await t.db.query(
        `SELECT count(*)::int AS n FROM scheduled_runs
          WHERE run_on = $1::date AND finished_at IS NOT NULL`,
        [today('UTC', later)],
      )) as Array<{ n: number }>;
      expect(n).toBe(DAILY_JOBS.length);
    });

    it('two instances checking at once run each job once and send each reminder once', async () => {
      const peer = await startPeerApp(t);
      try {
        const course = await makeCourse(t.db);
        const people = await Promise.all(['One', 'Two', 'Three'].map((name) => holder('GB', name)));
        for (const p of people) {
          await makeCertificate(t.db, {
            traineeId: p.id,
            courseId: course.id,
            validUntil: addDays(day, 80),
          });
        }
        // A day no run has claimed yet, on both instances at once, and the route on both.
        const later = new Date(Date.now() + 5 * 86_400_000);
        await Promise.all([
          t.app.get(JobScheduler).check(later),
          peer.app.get(JobScheduler).check(later),
          t.app.get(JobsService).runNow(),
          peer.app.get(JobsService).runNow(),
        ]);
        const laterDay = today('UTC', later);
        const claimed = (await t.db.query(
          'SELECT job FROM scheduled_runs WHERE run_on = $1::date ORDER BY job',
          [laterDay],
        )) as Array<{ job: string }>;
        expect(claimed.map((r) => r.job)).toEqual([...DAILY_JOBS].sort());
        await Promise.all([
          t.app.get(NotificationWorker).drain(),
          peer.app.get(NotificationWorker).drain(),
        ]);
        for (const p of people) {
          const mails = await mailTo(p.email);
          expect(mails).toHaveLength(1);
          expect(mails[0].subject).toMatch(/^Your certificate in /);
        }
      } finally {
        await peer.close();
      }
    });
  });
});
