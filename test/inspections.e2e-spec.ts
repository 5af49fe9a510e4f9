import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { Inspection } from '../src/inspections/inspection.entity.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import { makeCertificate, makeCourse, makeInstructor, makeTrainee } from './fixtures.js';

interface Check {
  clientId: string;
  serial: string;
  checkedAt: string;
  verdict: string;
  site?: string | null;
  note?: string | null;
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const check = (init: Partial<Check> = {}): Check => ({
  clientId: randomUUID(),
  serial: 'COE-NOWHERE-2026-000000',
  checkedAt: minutesAgo(30),
  verdict: 'not_genuine',
  ...init,
});

describe('inspections', () => {
  let t: TestApp;
  let auditor: SignedInUser;
  let admin: SignedInUser;
  let trainee: SignedInUser;
  let instructor: SignedInUser;
  let serial: string;
  let certificateId: string;

  beforeAll(async () => {
    t = await startTestApp();
    const person = await makeTrainee(t.db);
    const course = await makeCourse(t.db);
    const certificate = await makeCertificate(t.db, { traineeId: person.id, courseId: course.id });
    serial = certificate.serial;
    certificateId = certificate.id;
    const teacher = await makeInstructor(t.db, { givenName: 'Rashad', familyName: 'Aliyev' });
    [auditor, admin, trainee, instructor] = await Promise.all([
      createUser(t, ['auditor'], { email: 'inspector.one@coe.test' }),
      createUser(t, ['admin']),
      createUser(t, ['trainee'], { traineeId: person.id }),
      // An instructor's account is named after the instructor (the audit pages' rule).
      createUser(t, ['instructor', 'auditor'], { instructorId: teacher.id }),
    ]);
  });
  afterAll(() => t.close());

  const upload = (checks: object[], user: SignedInUser = auditor) =>
    t.http.post('/api/v1/inspections').set(user.auth).send({ inspections: checks });
  const list = (query: Record<string, string | number>, user: SignedInUser = auditor) =>
    t.http.get('/api/v1/inspections').query(query).set(user.auth);
  const eventsOf = (ids: string[]) =>
    t.db.getRepository(AuditEvent).findBy({ entityType: 'inspection', entityId: In(ids) });

  it('stores a batch with one audit event each, normalising serials and linking certificates', async () => {
    const known = check({
      serial: ` ${serial.toLowerCase().slice(0, 6)} ${serial.toLowerCase().slice(6)} `,
      verdict: 'valid',
      site: '  Aghdam, sector 4  ',
      note: 'Card shown by the team leader.\nPhoto taken.',
    });
    const forged = check({ serial: 'COE-FAKE-2026-ZZZZZZ', site: '', note: '   ' });
    const res = await upload([known, forged]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        {
          id: expect.any(String),
          clientId: known.clientId,
          serial,
          certificateId,
          inspectorId: auditor.id,
          inspectorName: 'inspector.one@coe.test',
          checkedAt: known.checkedAt,
          receivedAt: expect.any(String),
          verdict: 'valid',
          site: 'Aghdam, sector 4',
          note: 'Card shown by the team leader.\nPhoto taken.',
        },
        expect.objectContaining({
          clientId: forged.clientId,
          serial: 'COE-FAKE-2026-ZZZZZZ',
          certificateId: null,
          verdict: 'not_genuine',
          site: null,
          note: null,
        }),
      ],
      created: 2,
      duplicates: 0,
    });
    const ids = (res.body.items as { id: string }[]).map((i) => i.id);
    const events = await eventsOf(ids);
    expect(events.map((e) => e.entityId).sort()).toEqual([...ids].sort());
    for (const event of events) {
      expect(event).toMatchObject({ action: 'inspection.recorded', actorId: auditor.id });
    }
    expect(events.find((e) => e.entityId === ids[0])!.data).toEqual({
      after: {
        clientId: known.clientId,
        serial,
        certificateId,
        checkedAt: known.checkedAt,
        verdict: 'valid',
        site: 'Aghdam, sector 4',
        note: 'Card shown by the team leader.\nPhoto taken.',
      },
    });
    // The audit page names the record by the serial checked.
    const page = await t.http
      .get('/api/v1/audit-events')
      .query({ entityType: 'inspection', entityId: ids[1] })
      .set(auditor.auth);
    expect(page.body.items).toEqual([
      expect.objectContaining({
        action: 'inspection.recorded',
        entityLabel: 'COE-FAKE-2026-ZZZZZZ',
      }),
    ]);
  });

  it('answers a repeated upload with the stored records and stores nothing again', async () => {
    const batch = [check({ verdict: 'expired' }), check({ verdict: 'revoked', site: 'Fuzuli' })];
    const first = await upload(batch);
    expect(first.body).toMatchObject({ created: 2, duplicates: 0 });
    // The device sends the same checks again (its answer was lost), clientIds in upper case.
    const again = await upload(batch.map((c) => ({ ...c, clientId: c.clientId.toUpperCase() })));
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ items: first.body.items, created: 0, duplicates: 2 });
    const ids = (first.body.items as { id: string }[]).map((i) => i.id);
    expect(await eventsOf(ids)).toHaveLength(2);

    // The same check twice in one batch is stored once.
    const twice = check();
    const res = await upload([twice, { ...twice }]);
    expect(res.body).toMatchObject({ created: 1, duplicates: 1 });
    expect(res.body.items).toHaveLength(1);
  });

  it('stores each record once when two tabs upload the same batch at the same time', async () => {
    const batch = Array.from({ length: 120 }, (_, i) =>
      check({ verdict: i % 2 ? 'valid' : 'suspended', serial: i % 3 ? serial : `COE-X-${i}` }),
    );
    // Four uploads at once, two of them in reverse order: a deadlock would fail one of them.
    const answers = await Promise.all([
      upload(batch),
      upload([...batch].reverse()),
      upload(batch, auditor),
      upload([...batch].reverse()),
    ]);
    for (const res of answers) expect(res.status).toBe(200);
    expect(answers.reduce((sum, res) => sum + (res.body.created as number), 0)).toBe(120);
    expect(answers.reduce((sum, res) => sum + (res.body.duplicates as number), 0)).toBe(360);
    const stored = await t.db
      .getRepository(Inspection)
      .findBy({ clientId: In(batch.map((c) => c.clientId)) });
    expect(stored).toHaveLength(120);
    expect(await eventsOf(stored.map((s) => s.id))).toHaveLength(120);
    // Every tab is answered with the same stored records.
    const idOf = (res: (typeof answers)[number]) =>
      new Map(
        (res.body.items as { clientId: string; id: string }[]).map((i) => [i.clientId, i.id]),
      );
    for (const res of answers.slice(1)) expect(idOf(res)).toEqual(idOf(answers[0]));
    // The chain is still whole after the concurrent writers.
    const chain = await t.http.get('/api/v1/audit-events/verification').set(auditor.auth);
    expect(chain.body).toMatchObject({ intact: true });
  });

  it('refuses a clientId stored as another check (409) and then stores nothing of the batch', async () => {
    const stored = check({ verdict: 'valid', serial });
    await upload([stored]);
    const fresh = check();
    const before = await t.db.getRepository(Inspection).count();

    // Another inspector, same id and content (a shared device's records uploaded twice).
    const byAdmin = expectError(await upload([fresh, stored], admin), 409, 'INSPECTION_CONFLICT');
    expect(byAdmin.details).toEqual({ clientIds: [stored.clientId] });
    // The same inspector, the same id with another verdict.
    const changed = expectError(
      await upload([fresh, { ...stored, verdict: 'revoked' }]),
      409,
      'INSPECTION_CONFLICT',
    );
    expect(changed.details).toEqual({ clientIds: [stored.clientId] });
    // One id sent twice with different content.
    expectError(
      await upload([fresh, { ...fresh, note: 'a second thought' }]),
      409,
      'INSPECTION_CONFLICT',
    );
    expect(await t.db.getRepository(Inspection).count()).toBe(before);
    expect(await t.db.getRepository(Inspection).findOneBy({ clientId: fresh.clientId })).toBeNull();

    // The message is in the caller's language.
    const ru = await t.http
      .post('/api/v1/inspections')
      .set(admin.auth)
      .set('Accept-Language', 'ru')
      .send({ inspections: [stored] });
    expect(ru.body.message).toMatch(/проверка/);
  });

  it('refuses bad input with 400, never 500', async () => {
    const future = new Date(Date.now() + 10 * 60_000).toISOString();
    const cases: [object, string][] = [
      [{ inspections: [check({ checkedAt: future })] }, 'inspections.0.checkedAt'],
      [{ inspections: [check({ checkedAt: '1999-12-31T23:59:59Z' })] }, 'inspections.0.checkedAt'],
      [{ inspections: [check({ checkedAt: '2026-12-01T10:00:00' })] }, 'inspections.0.checkedAt'],
      [{ inspections: [check({ checkedAt: '2026-02-30T10:00:00Z' })] }, 'inspections.0.checkedAt'],
      [{ inspections: [check({ checkedAt: 1764000000000 as never })] }, 'inspections.0.checkedAt'],
      [{ inspections: [check({ verdict: 'fine' })] }, 'inspections.0.verdict'],
      [{ inspections: [check({ clientId: 'device-1' })] }, 'inspections.0.clientId'],
      [{ inspections: [check({ serial: '   ' })] }, 'inspections.0.serial'],
      [{ inspections: [check({ serial: 'X'.repeat(101) })] }, 'inspections.0.serial'],
      [{ inspections: [check({ site: 's'.repeat(201) })] }, 'inspections.0.site'],
      [{ inspections: [check({ site: 'line\nbreak' })] }, 'inspections.0.site'],
      [{ inspections: [check({ note: 'n'.repeat(1001) })] }, 'inspections.0.note'],
      [{ inspections: [check({ note: 'bell\u0007' })] }, 'inspections.0.note'],
      [{ inspections: [check(), { ...check(), extra: 1 }] }, 'inspections.1.extra'],
      [{ inspections: [] }, 'inspections'],
      [{ inspections: 'all of them' }, 'inspections'],
      [{ inspections: [null] }, 'inspections.0'],
      [{ inspections: Array.from({ length: 201 }, () => check()) }, 'inspections'],
      [{}, 'inspections'],
    ];
    const failures: string[] = [];
    for (const [body, field] of cases) {
      const res = await t.http.post('/api/v1/inspections').set(auditor.auth).send(body);
      const fields = ((res.body.details?.fields ?? []) as { field: string }[]).map((f) => f.field);
      if (res.status !== 400 || res.body.code !== 'VALIDATION_FAILED' || !fields.includes(field))
        failures.push(`${field}: ${res.status} ${res.body.code} ${fields.join(',')}`);
    }
    expect(failures).toEqual([]);
    // A device clock a little ahead (under five minutes) is accepted; 200 records are.
    const ahead = check({ checkedAt: new Date(Date.now() + 4 * 60_000).toISOString() });
    expect((await upload([ahead])).status).toBe(200);
    const full = await upload(Array.from({ length: 200 }, () => check({ note: 'n'.repeat(1000) })));
    expect(full.status).toBe(200);
    expect(full.body.created).toBe(200);
    // Not JSON at all.
    const garbled = await t.http
      .post('/api/v1/inspections')
      .set(auditor.auth)
      .set('Content-Type', 'application/json')
      .send('{"inspections": [');
    expect(garbled.status).toBe(400);
  });

  it('lets only auditors and admins record and read', async () => {
    const body = { inspections: [check()] };
    expectError(await t.http.post('/api/v1/inspections').send(body), 401);
    expectError(await t.http.post('/api/v1/inspections').set(trainee.auth).send(body), 403);
    expectError(await t.http.get('/api/v1/inspections').set(trainee.auth), 403);
    expectError(await t.http.get('/api/v1/inspections'), 401);
    // Admins record too, and read everyone's.
    expect((await upload([check()], admin)).status).toBe(200);
    expect((await list({}, admin)).status).toBe(200);
  });

  describe('the list', () => {
    let mine: Check[];
    beforeAll(async () => {
      // Checks by the instructor-auditor, at known times, in the Center's zone (UTC here).
      mine = [
        check({
          serial,
          verdict: 'valid',
          checkedAt: '2026-03-01T08:00:00.000Z',
          site: 'Tərtər 50% zone',
        }),
        check({
          verdict: 'not_genuine',
          checkedAt: '2026-03-02T09:00:00.000Z',
          site: 'Terter north',
        }),
        check({
          serial,
          verdict: 'suspended',
          checkedAt: '2026-03-03T10:00:00.000Z',
          site: 'Aghdam',
        }),
        check({ serial, verdict: 'valid', checkedAt: '2026-03-03T10:00:00.000Z' }),
      ];
      const res = await upload(mine, instructor);
      expect(res.status).toBe(200);
    });

    const clientIds = (res: { body: { items: { clientId: string }[] } }) =>
      res.body.items.map((i) => i.clientId);

    it('is latest first and pages with a cursor', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await list({
          inspectorId: instructor.id,
          limit: 3,
          ...(cursor ? { cursor } : {}),
        });
        expect(res.status).toBe(200);
        seen.push(...clientIds(res));
        cursor = res.body.nextCursor as string | null;
      } while (cursor);
      const byTime = [...mine].sort((a, b) =>
        a.checkedAt === b.checkedAt ? 0 : a.checkedAt < b.checkedAt ? 1 : -1,
      );
      expect(seen).toHaveLength(4);
      expect(seen.slice(2)).toEqual([byTime[2].clientId, byTime[3].clientId]);
      expect(new Set(seen.slice(0, 2))).toEqual(new Set([mine[2].clientId, mine[3].clientId]));
      const one = await list({ inspectorId: instructor.id, limit: 1 });
      expect(one.body.items[0]).toMatchObject({
        inspectorId: instructor.id,
        inspectorName: 'Rashad Aliyev',
        receivedAt: expect.any(String),
      });
      expectError(await list({ cursor: 'not-a-cursor' }), 400, 'INVALID_CURSOR');
    });

    it('filters by serial, inspector, site and period', async () => {
      const by = async (query: Record<string, string>) =>
        clientIds(await list({ inspectorId: instructor.id, ...query })).sort();
      const ids = (...i: number[]) => i.map((n) => mine[n].clientId).sort();
      expect(await by({ serial: serial.toLowerCase() })).toEqual(ids(0, 2, 3));
      expect(await by({ site: 'TERTER' })).toEqual(ids(1));
      expect(await by({ site: 'tərtər' })).toEqual(ids(0));
      // % and _ are the text itself, not patterns.
      expect(await by({ site: '50%' })).toEqual(ids(0));
      expect(await by({ site: '%' })).toEqual(ids(0));
      expect(await by({ from: '2026-03-02', to: '2026-03-02' })).toEqual(ids(1));
      expect(await by({ from: '2026-03-02T09:00:00Z' })).toEqual(ids(1, 2, 3));
      expect(await by({ to: '2026-03-02T08:59:59+00:00' })).toEqual(ids(0));
      // Everyone's checks of this serial: the auditor's and the instructor-auditor's.
      const all = await list({ serial, limit: 200 });
      expect(
        new Set((all.body.items as { inspectorId: string }[]).map((i) => i.inspectorId)),
      ).toEqual(new Set([auditor.id, instructor.id]));
      expectError(await list({ from: '2026-03-03', to: '2026-03-01' }), 400, 'INVALID_PERIOD');
      expectError(await list({ inspectorId: 'someone' }), 400, 'VALIDATION_FAILED');
      expectError(await list({ from: 'yesterday' }), 400, 'VALIDATION_FAILED');
      expectError(await list({ limit: 500 }), 400, 'VALIDATION_FAILED');
    });
  });
});
