import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ParsedMail } from 'mailparser';
import { randomUUID } from 'node:crypto';
import { today, addDays } from '../src/common/calendar.js';
import { NotificationWorker } from '../src/notifications/notification-worker.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, type SignedInUser } from './factories.js';
import {
  completedSessionWithInstructor,
  makeCourse,
  makeInstructor,
  makeOrganisation,
  makePassedEnrolment,
  makeSession,
  makeTrainee,
  qualify,
} from './fixtures.js';
import { startSmtpCapture, type SmtpCapture } from './smtp.js';

/**
 * The mail people get when something happens to their enrolment, their session or their
 * certificate, read back from an SMTP server in the test as the recipient would read it.
 */

const address = (who: string) => `${who}-${randomUUID().slice(0, 8)}@mail.test`;

/** RFC 5545 unfolding, then the lines. */
function icsLines(mail: ParsedMail): string[] {
  const ics = mail.attachments.find((a) => a.filename === 'session.ics');
  expect(ics).toBeDefined();
  expect(ics!.contentType).toBe('text/calendar');
  const text = ics!.content.toString('utf8');
  // Every line ends with CRLF, none is longer than 75 octets.
  expect(text.endsWith('\r\n')).toBe(true);
  for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
  return text.replace(/\r\n[ \t]/g, '').split('\r\n');
}

describe('mail about enrolments, sessions and certificates', () => {
  let smtp: SmtpCapture;
  let t: TestApp;
  let admin: SignedInUser;
  const day = today('UTC');

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    t = await startTestApp({ smtpUrl: smtp.url });
    admin = await createUser(t, ['admin']);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  /** Sends what is queued, then the messages to `to` (all so far, oldest first). */
  async function mailTo(to: string): Promise<ParsedMail[]> {
    await t.app.get(NotificationWorker).drain();
    return smtp.messages.filter(
      (m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === to,
    );
  }

  async function queuedFor(to: string): Promise<number> {
    const [{ n }] = (await t.db.query(
      'SELECT count(*)::int AS n FROM notifications WHERE recipient = $1',
      [to],
    )) as Array<{ n: number }>;
    return n;
  }

  /** A trainee of an organisation in `country` with an address; optionally an account. */
  async function trainee(country: string, name: string, options: { language?: string } = {}) {
    const org = await makeOrganisation(t.db, { country });
    const email = address(name.toLowerCase());
    const person = await makeTrainee(t.db, { givenName: name, organisationId: org.id, email });
    if (options.language) {
      const user = await createUser(t, ['trainee'], { traineeId: person.id });
      await t.db.query('UPDATE users SET language = $2 WHERE id = $1', [user.id, options.language]);
    }
    return { ...person, email };
  }

  async function openSession(capacity: number, init: { joiningInstructions?: string } = {}) {
    const course = await makeCourse(t.db, { title: 'Explosive Ordnance Disposal Level 1' });
    const session = await makeSession(t.db, course.id, {
      startsOn: addDays(day, 30),
      endsOn: addDays(day, 34),
      capacity,
      location: 'Goygol field training area',
      joiningInstructions: init.joiningInstructions ?? null,
    });
    return { course, session };
  }

  const enrol = (sessionId: string, traineeId: string) =>
    t.http.post(`/api/v1/sessions/${sessionId}/enrolments`).set(admin.auth).send({ traineeId });

  describe('enrolment', () => {
    it('confirms a seat in English, with the venue, joining instructions, link and calendar file', async () => {
      const { course, session } = await openSession(2, {
        joiningInstructions: 'Gate 2, 08:30; bring boots, your ID',
      });
      const leyla = await trainee('GB', 'Leyla');
      expect((await enrol(session.id, leyla.id)).status).toBe(201);

      const [mail] = await mailTo(leyla.email);
      expect(mail.subject).toBe(`Enrolment confirmed: ${course.code} ${course.title}`);
      expect(mail.text).toContain(`Hello Leyla ${leyla.familyName},`);
      expect(mail.text).toContain('Goygol field training area');
      expect(mail.text).toContain('Gate 2, 08:30; bring boots, your ID');
      expect(mail.text).toContain(`${addDays(day, 30)} – ${addDays(day, 34)}`);
      expect(mail.text).toContain(`http://coe.test/app/sessions/${session.id}`);
      expect(mail.html).toContain(`href="http://coe.test/app/sessions/${session.id}"`);

      const lines = icsLines(mail);
      expect(lines[0]).toBe('BEGIN:VCALENDAR');
      expect(lines).toContain('VERSION:2.0');
      expect(lines).toContain(`UID:session-${session.id}@coe.test`);
      expect(lines).toContain(`DTSTART;VALUE=DATE:${addDays(day, 30).replace(/-/g, '')}`);
      // DTEND is exclusive: the day after the last day.
      expect(lines).toContain(`DTEND;VALUE=DATE:${addDays(day, 35).replace(/-/g, '')}`);
      expect(lines).toContain(`SUMMARY:${course.code} ${course.title}`);
      expect(lines).toContain('LOCATION:Goygol field training area');
      expect(lines).toContain('DESCRIPTION:Gate 2\\, 08:30\\; bring boots\\, your ID');
      expect(lines).toContain(`SEQUENCE:${session.version}`);
      expect(lines).toContain('STATUS:CONFIRMED');
    });

    it('puts the next person on the waiting list with their position, in Azerbaijani by the country', async () => {
      const { course, session } = await openSession(1);
      const first = await trainee('GB', 'Anna');
      const aysel = await trainee('AZ', 'Aysel');
      const nigar = await trainee('AZ', 'Nigar');
      expect((await enrol(session.id, first.id)).body.status).toBe('enrolled');
      expect((await enrol(session.id, aysel.id)).body).toMatchObject({
        status: 'waitlisted',
        waitlistPosition: 1,
      });
      expect((await enrol(session.id, nigar.id)).body.waitlistPosition).toBe(2);

      const [toAysel] = await mailTo(aysel.email);
      expect(toAysel.subject).toBe(`Gözləmə siyahısı, 1 nömrə: ${course.code} ${course.title}`);
      expect(toAysel.text).toContain('Gözləmə siyahısında 1 nömrəlisiniz.');
      const [toNigar] = await mailTo(nigar.email);
      expect(toNigar.text).toContain('Gözləmə siyahısında 2 nömrəlisiniz.');
      // No calendar file for a place in line.
      expect(toNigar.attachments).toHaveLength(0);
    });

    it('tells the person who withdrew and the one promoted to the freed seat', async () => {
      const { course, session } = await openSession(1);
      const first = await trainee('GB', 'Anna');
      const aysel = await trainee('AZ', 'Aysel');
      const enrolled = await enrol(session.id, first.id);
      await enrol(session.id, aysel.id);
      const withdrawn = await t.http
        .post(`/api/v1/enrolments/${enrolled.body.id as string}/withdraw`)
        .set(admin.auth);
      expect(withdrawn.status).toBe(200);

      const toFirst = await mailTo(first.email);
      expect(toFirst.map((m) => m.subject)).toEqual([
        `Enrolment confirmed: ${course.code} ${course.title}`,
        `Enrolment withdrawn: ${course.code} ${course.title}`,
      ]);
      expect(toFirst[1].text).toContain('Your enrolment in the session of');
      const toAysel = await mailTo(aysel.email);
      expect(toAysel.map((m) => m.subject)).toEqual([
        `Gözləmə siyahısı, 1 nömrə: ${course.code} ${course.title}`,
        `Sizə yer ayrıldı: ${course.code} ${course.title}`,
      ]);
      expect(toAysel[1].text).toContain(
        'gözləmə siyahısından sessiyanın iştirakçıları sırasına keçdiniz',
      );
      expect(icsLines(toAysel[1])).toContain(`UID:session-${session.id}@coe.test`);
    });

    it('promotes people waiting when the capacity grows, and tells them', async () => {
      const { course, session } = await openSession(1);
      const first = await trainee('GB', 'Anna');
      const second = await trainee('GB', 'Ben');
      await enrol(session.id, first.id);
      await enrol(session.id, second.id);
      const patched = await t.http
        .patch(`/api/v1/sessions/${session.id}`)
        .set(admin.auth)
        .send({ capacity: 2 });
      expect(patched.status).toBe(200);
      const subjects = (await mailTo(second.email)).map((m) => m.subject);
      expect(subjects).toContain(`A seat is yours: ${course.code} ${course.title}`);
      // Capacity alone is no change of dates or venue: nobody is told the session changed.
      expect(subjects.filter((s) => s?.startsWith('Session changed'))).toEqual([]);
    });

    it('sends nothing for a refused enrolment, and nothing to a trainee without an address', async () => {
      const prerequisite = await makeCourse(t.db);
      const course = await makeCourse(t.db, { prerequisiteIds: [prerequisite.id] });
      const session = await makeSession(t.db, course.id, {
        startsOn: addDays(day, 20),
        endsOn: addDays(day, 22),
      });
      const refused = await trainee('GB', 'Refused');
      const res = await enrol(session.id, refused.id);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('PREREQUISITE_NOT_MET');
      expect(await queuedFor(refused.email)).toBe(0);

      const { session: open } = await openSession(3);
      const silent = await makeTrainee(t.db, { email: null });
      const countAll = async () =>
        (
          (await t.db.query('SELECT count(*)::int AS n FROM notifications')) as Array<{ n: number }>
        )[0].n;
      const before = await countAll();
      expect((await enrol(open.id, silent.id)).status).toBe(201);
      expect(await countAll()).toBe(before);
    });
  });

  describe('session changes', () => {
    it('tells every enrolled and waiting trainee of new dates and venue, in the account language, with an updated calendar entry', async () => {
      const { course, session } = await openSession(1);
      // The account's language (ru) wins over the organisation's country (AZ).
      const seat = await trainee('AZ', 'Rustam', { language: 'ru' });
      const waiting = await trainee('GB', 'Waiting');
      await enrol(session.id, seat.id);
      await enrol(session.id, waiting.id);
      const res = await t.http
        .patch(`/api/v1/sessions/${session.id}`)
        .set(admin.auth)
        .send({
          startsOn: addDays(day, 40),
          endsOn: addDays(day, 44),
          location: 'Baku training centre',
        });
      expect(res.status).toBe(200);

      const toSeat = (await mailTo(seat.email)).at(-1)!;
      expect(toSeat.subject).toBe(`Изменения в сессии: ${course.code} ${course.title}`);
      expect(toSeat.text).toContain(
        `Даты: были ${addDays(day, 30)} – ${addDays(day, 34)}, теперь ${addDays(day, 40)} – ${addDays(day, 44)}.`,
      );
      expect(toSeat.text).toContain(
        'Место проведения: было «Goygol field training area», теперь «Baku training centre».',
      );
      const lines = icsLines(toSeat);
      expect(lines).toContain(`DTSTART;VALUE=DATE:${addDays(day, 40).replace(/-/g, '')}`);
      expect(lines).toContain('LOCATION:Baku training centre');
      const sequence = Number(lines.find((l) => l.startsWith('SEQUENCE:'))!.slice(9));
      expect(sequence).toBeGreaterThan(session.version);

      const toWaiting = (await mailTo(waiting.email)).at(-1)!;
      expect(toWaiting.subject).toBe(`Session changed: ${course.code} ${course.title}`);
      expect(toWaiting.text).toContain('for which you are on the waiting list, has changed');
      expect(toWaiting.text).toContain(
        'Venue: was Goygol field training area, now Baku training centre.',
      );
    });

    it('tells them when an instructor is assigned or removed', async () => {
      const { course, session } = await openSession(3);
      const person = await trainee('GB', 'Kamal');
      await enrol(session.id, person.id);
      const instructor = await makeInstructor(t.db, { givenName: 'Rashad', familyName: 'Aliyev' });
      await qualify(t.db, instructor.id, course.id);
      const assigned = await t.http
        .post(`/api/v1/sessions/${session.id}/instructors`)
        .set(admin.auth)
        .send({ instructorId: instructor.id, role: 'lead' });
      expect(assigned.status).toBe(201);
      const removed = await t.http
        .delete(`/api/v1/sessions/${session.id}/instructors/${instructor.id}`)
        .set(admin.auth);
      expect(removed.status).toBe(204);

      const changes = (await mailTo(person.email)).filter((m) =>
        m.subject?.startsWith('Session changed'),
      );
      expect(changes).toHaveLength(2);
      expect(changes[0].text).toContain(
        'Rashad Aliyev (lead instructor) has been assigned to the session.',
      );
      expect(changes[1].text).toContain(
        'Rashad Aliyev (lead instructor) no longer teaches the session.',
      );
      // The dates did not move: no calendar file.
      expect(changes[0].attachments).toHaveLength(0);
    });

    it('tells everyone when the session is cancelled, with the calendar entry marked cancelled', async () => {
      const { course, session } = await openSession(1);
      const seat = await trainee('GB', 'Seat');
      const waiting = await trainee('AZ', 'Gözləyən');
      await enrol(session.id, seat.id);
      await enrol(session.id, waiting.id);
      const res = await t.http
        .post(`/api/v1/sessions/${session.id}/status`)
        .set(admin.auth)
        .send({ status: 'cancelled' });
      expect(res.status).toBe(200);

      const toSeat = (await mailTo(seat.email)).at(-1)!;
      expect(toSeat.subject).toBe(`Session cancelled: ${course.code} ${course.title}`);
      expect(toSeat.text).toContain('Your enrolment in it has ended.');
      expect(toSeat.text).toContain('http://coe.test/app/catalogue');
      expect(icsLines(toSeat)).toContain('STATUS:CANCELLED');
      const toWaiting = (await mailTo(waiting.email)).at(-1)!;
      expect(toWaiting.subject).toBe(`Sessiya ləğv edildi: ${course.code} ${course.title}`);
      expect(toWaiting.text).toContain('Onun gözləmə siyahısındakı yeriniz bununla başa çatdı.');
    });
  });

  describe('certificates', () => {
    it('tells each holder of a session issued at once, with the verification, PDF and credential links', async () => {
      const { course, session, instructorUser } = await completedSessionWithInstructor(t);
      const en = await trainee('GB', 'Elmar');
      const ru = await trainee('KZ', 'Dana');
      await makePassedEnrolment(t.db, session.id, en.id);
      await makePassedEnrolment(t.db, session.id, ru.id);
      const res = await t.http
        .post(`/api/v1/sessions/${session.id}/certificates`)
        .set(instructorUser.auth);
      expect(res.status).toBe(201);
      const issued = res.body.issued as Array<{ id: string; serial: string; traineeId: string }>;
      expect(issued).toHaveLength(2);

      const certEn = issued.find((c) => c.traineeId === en.id)!;
      const [mailEn] = await mailTo(en.email);
      expect(mailEn.subject).toBe(
        `Your certificate ${certEn.serial}: ${course.code} ${course.title}`,
      );
      expect(mailEn.text).toContain(`http://coe.test/verify/${certEn.serial}`);
      expect(mailEn.text).toContain(`http://coe.test/api/v1/certificates/${certEn.id}/pdf`);
      expect(mailEn.text).toContain(`http://coe.test/api/v1/certificates/${certEn.id}/credential`);
      expect(mailEn.text).toContain('digital wallet');
      expect(mailEn.html).toContain(`href="http://coe.test/app/certificates/${certEn.id}"`);

      const certRu = issued.find((c) => c.traineeId === ru.id)!;
      const [mailRu] = await mailTo(ru.email);
      expect(mailRu.subject).toBe(
        `Ваш сертификат ${certRu.serial}: ${course.code} ${course.title}`,
      );
      expect(mailRu.text).toContain('цифровом кошельке');
    });

    it('tells the holder of a suspension, a reinstatement and a revocation, with the reason worded', async () => {
      const { session, instructorUser } = await completedSessionWithInstructor(t);
      const holder = await trainee('AZ', 'Səbinə');
      const enrolment = await makePassedEnrolment(t.db, session.id, holder.id);
      const issued = await t.http
        .post(`/api/v1/enrolments/${enrolment.id}/certificate`)
        .set(instructorUser.auth);
      expect(issued.status).toBe(201);
      const { id, serial } = issued.body as { id: string; serial: string };
      for (const [action, reason] of [
        ['suspend', 'medical_unfit'],
        ['reinstate', 'qa_finding'],
        ['suspend', 'medical_unfit'],
        ['revoke', 'fraud_or_misconduct'],
      ]) {
        const res = await t.http
          .post(`/api/v1/certificates/${id}/${action}`)
          .set(admin.auth)
          .send({ reason, note: 'internal case file 12' });
        expect(res.status).toBe(201);
      }
      const mails = await mailTo(holder.email);
      expect(mails.map((m) => m.subject)).toEqual([
        expect.stringMatching(/^Sertifikatınız /),
        `${serial} nömrəli sertifikatın qüvvəsi dayandırıldı`,
        `${serial} nömrəli sertifikat bərpa edildi`,
        // Suspended again: a message of its own.
        `${serial} nömrəli sertifikatın qüvvəsi dayandırıldı`,
        `${serial} nömrəli sertifikat ləğv edildi`,
      ]);
      expect(mails[1].text).toContain('Səhhətinə görə yararsızdır');
      expect(mails[4].text).toContain('Saxtakarlıq və ya intizam pozuntusu');
      for (const m of mails) {
        expect(m.text).not.toMatch(/medical_unfit|fraud_or_misconduct|internal case file/);
      }
    });

    it('sends nothing when the issue is rolled back after its mail was queued', async () => {
      const { session, instructorUser } = await completedSessionWithInstructor(t);
      const holder = await trainee('GB', 'Rollback');
      const enrolment = await makePassedEnrolment(t.db, session.id, holder.id);
      // The audit record is written after the mail is queued: refusing it fails the issue.
      await t.db.query(`
        CREATE FUNCTION refuse_issue_audit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.action = 'certificate.issued' THEN RAISE EXCEPTION 'audit store refused'; END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_issue_audit BEFORE INSERT ON audit_events
          FOR EACH ROW EXECUTE FUNCTION refuse_issue_audit();`);
      try {
        const res = await t.http
          .post(`/api/v1/enrolments/${enrolment.id}/certificate`)
          .set(instructorUser.auth);
        expect(res.status).toBeGreaterThanOrEqual(500);
      } finally {
        await t.db.query(
          'DROP TRIGGER refuse_issue_audit ON audit_events; DROP FUNCTION refuse_issue_audit();',
        );
      }
      expect(await queuedFor(holder.email)).toBe(0);
      expect(await mailTo(holder.email)).toEqual([]);
      // The same issue, once it can be recorded, is mailed.
      const again = await t.http
        .post(`/api/v1/enrolments/${enrolment.id}/certificate`)
        .set(instructorUser.auth);
      expect(again.status).toBe(201);
      expect(await mailTo(holder.email)).toHaveLength(1);
    });
  });
});
