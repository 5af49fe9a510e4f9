import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Response } from 'supertest';
import { daysBetween } from '../src/common/calendar.js';
import { Enrolment } from '../src/enrolments/enrolment.entity.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import {
  assign,
  makeCourse,
  makeInstructor,
  makeOrganisation,
  makeSession,
  makeTrainee,
} from './fixtures.js';

const A4 = [595.28, 841.89];

/** The text of every page and each page's size, as a PDF reader sees them. */
async function readPdf(body: Buffer): Promise<{ pages: { text: string; size: number[] }[] }> {
  const doc = await getDocument({
    data: new Uint8Array(body),
    isEvalSupported: false,
    disableFontFace: true,
    verbosity: 0,
  }).promise;
  const pages = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent({ disableNormalization: true });
    const text = content.items.map((item) => ('str' in item ? item.str : '')).join('\n');
    const [x0, y0, x1, y1] = page.view;
    pages.push({ text, size: [x1 - x0, y1 - y0].map((v) => Math.round(v * 100) / 100) });
  }
  return { pages };
}

describe('the attendance sheet (GET /api/v1/sessions/:id/attendance-sheet)', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let auditor: SignedInUser;
  let lead: SignedInUser;
  let other: SignedInUser;
  let sessionId: string;
  let organisationId: string;

  const fetchSheet = (id: string, user?: SignedInUser) => {
    const req = t.http.get(`/api/v1/sessions/${id}/attendance-sheet`);
    if (user) req.set(user.auth);
    return req.buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  };
  /** The error answer, read as JSON (the sheet's parser keeps every answer as bytes). */
  const refused = async (pending: ReturnType<typeof fetchSheet>, status: number) => {
    const res = await pending;
    expectError({ status: res.status, body: JSON.parse((res.body as Buffer).toString()) }, status);
  };
  const pdfOf = (res: Response) => {
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    return readPdf(res.body as Buffer);
  };
  const seat = async (
    id: string,
    givenName: string,
    familyName: string,
    status: Enrolment['status'] = 'enrolled',
  ) => {
    const trainee = await makeTrainee(t.db, { givenName, familyName, organisationId });
    await t.db.getRepository(Enrolment).save({
      sessionId: id,
      traineeId: trainee.id,
      status,
      waitlistPosition: status === 'waitlisted' ? 1 : null,
    });
  };

  beforeAll(async () => {
    t = await startTestApp();
    const organisation = await makeOrganisation(t.db, {
      name: 'Azərbaycan Minatəmizləmə Agentliyi',
    });
    organisationId = organisation.id;
    const course = await makeCourse(t.db, {
      code: 'EOD-2',
      title: 'Partlayıcı sursatların zərərsizləşdirilməsi',
    });
    const session = await makeSession(t.db, course.id, {
      startsOn: '2026-12-07',
      endsOn: '2026-12-11',
      location: 'Göygöl tədris sahəsi',
      language: 'az',
    });
    sessionId = session.id;
    const [leadInstructor, otherInstructor] = await Promise.all([
      makeInstructor(t.db, { givenName: 'Rəşad', familyName: 'Əliyev' }),
      makeInstructor(t.db),
    ]);
    await assign(t.db, sessionId, leadInstructor.id, 'lead');
    [admin, auditor, lead, other] = await Promise.all([
      createUser(t, ['admin']),
      createUser(t, ['auditor']),
      createUser(t, ['instructor'], { instructorId: leadInstructor.id }),
      createUser(t, ['instructor'], { instructorId: otherInstructor.id }),
    ]);
    await seat(sessionId, 'Aynur', 'Məmmədova');
    await seat(sessionId, 'İsmayıl', 'Şıxəliyev');
    await seat(sessionId, 'Gülər', 'Ağayeva', 'completed');
    await seat(sessionId, 'Waiting', 'Inline', 'waitlisted');
    await seat(sessionId, 'Gone', 'Withdrawn', 'withdrawn');
  });
  afterAll(() => t.close());

  it("lists the seat holders by family name, a column per day, in the session's language, on A4", async () => {
    const res = await fetchSheet(sessionId, admin);
    expect(res.headers['content-disposition']).toBe(
      'inline; filename="attendance-EOD-2-2026-12-07.pdf"',
    );
    const { pages } = await pdfOf(res);
    expect(pages).toHaveLength(1);
    // Five days fit a portrait page.
    expect(pages[0].size).toEqual(A4);
    const text = pages[0].text;
    for (const words of [
      'Davamiyyət vərəqi',
      'Partlayıcı sursatların zərərsizləşdirilməsi',
      'Göygöl tədris sahəsi',
      'Rəşad Əliyev (aparıcı)',
      'Təlimatçının imzası',
      'Azərbaycan Minatəmizləmə Agentliyi',
    ]) {
      expect(text).toContain(words);
    }
    for (const day of daysBetween('2026-12-07', '2026-12-11')) expect(text).toContain(day);
    const names = ['Ağayeva Gülər', 'Məmmədova Aynur', 'Şıxəliyev İsmayıl'];
    const at = names.map((name) => text.indexOf(name));
    expect(at.every((i) => i >= 0)).toBe(true);
    // In the Azerbaijani alphabet's order: A, M, Ş.
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(text).not.toContain('Inline');
    expect(text).not.toContain('Withdrawn');
  });

  it('turns landscape for many days and continues the days on further pages', async () => {
    const course = await makeCourse(t.db, {
      title: 'Battle Area Clearance',
      translations: { ru: { title: 'Очистка районов боевых действий' } },
    });
    const long = await makeSession(t.db, course.id, {
      startsOn: '2026-12-01',
      endsOn: '2026-12-20',
      language: 'ru',
    });
    await seat(long.id, 'Александр', 'Преображенский');
    const { pages } = await pdfOf(await fetchSheet(long.id, admin));
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) {
      expect(page.size).toEqual([A4[1], A4[0]]);
      expect(page.text).toContain('Лист посещаемости');
      // The course as the session's language names it.
      expect(page.text).toContain('Очистка районов боевых действий');
      expect(page.text).toContain('Преображенский Александр');
    }
    const all = pages.map((p) => p.text).join('\n');
    for (const day of daysBetween('2026-12-01', '2026-12-20')) expect(all).toContain(day);
    expect(pages[0].text).toContain(`Страница 1 из ${pages.length}`);
  });

  it('falls back to English for another session language, and prints an empty session', async () => {
    const course = await makeCourse(t.db);
    const session = await makeSession(t.db, course.id, { language: 'fr' });
    const { pages } = await pdfOf(await fetchSheet(session.id, admin));
    expect(pages[0].text).toContain('Attendance sheet');
    expect(pages[0].text).toContain('No trainee holds a seat in this session.');
  });

  it('is for admins, auditors and the instructors assigned to the session', async () => {
    await pdfOf(await fetchSheet(sessionId, lead));
    await pdfOf(await fetchSheet(sessionId, auditor));
    await refused(fetchSheet(sessionId, other), 403);
    await refused(fetchSheet(sessionId), 401);
    const trainee = await createUser(t, ['trainee']);
    await refused(fetchSheet(sessionId, trainee), 403);
    const coordinator = await createUser(t, ['coordinator'], { organisationId });
    await refused(fetchSheet(sessionId, coordinator), 403);
    await refused(fetchSheet('00000000-0000-4000-8000-000000000000', admin), 404);
    await refused(fetchSheet('not-a-session', admin), 400);
  });

  it('offers printing in the session answers of those who may', async () => {
    const actions = async (user: SignedInUser) =>
      (await t.http.get(`/api/v1/sessions/${sessionId}`).set(user.auth)).body.allowedActions;
    expect(await actions(lead)).toContain('printAttendanceSheet');
    expect(await actions(admin)).toContain('printAttendanceSheet');
    expect(await actions(other)).not.toContain('printAttendanceSheet');
  });
});
