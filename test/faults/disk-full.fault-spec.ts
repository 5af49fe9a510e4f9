import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, open, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Response } from 'supertest';
import type { TestApp } from '../app.js';
import { createUser, type SignedInUser } from '../factories.js';
import { makeCourse, makeSession, makeTrainee } from '../fixtures.js';
import { expectUnavailable, FaultDatabase, startFaultApp, waitFor } from './fault-harness.js';
import {
  completedSession,
  expectRegisterConsistent,
  fullSessionWithWaitingList,
  registerSnapshot,
} from './register-state.js';

/**
 * A real full disk needs a small file system of its own: a tmpfs, which only root may mount
 * (and not in every container). Where that is refused, the second group below still proves the
 * property with PostgreSQL's own disk-full error raised from a trigger.
 */
function canMountTmpfs(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'coe-fault-tmpfs-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const tmpfsAvailable = canMountTmpfs();
if (!tmpfsAvailable) {
  process.stderr.write(
    'disk-full.fault-spec: mounting a tmpfs is not allowed here; the real full-disk test is skipped\n',
  );
}

/** Takes every free byte of the file system at `dir`, so the next allocation there fails. */
async function fillUp(dir: string): Promise<string> {
  const filler = join(dir, 'filler');
  const handle = await open(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) {
      const { bavail, bsize } = await statfs(dir);
      if (bavail === 0) break;
      await handle.write(chunk.subarray(0, Math.min(chunk.length, bavail * bsize)));
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    await handle.close();
  }
  return filler;
}

(tmpfsAvailable ? describe : describe.skip)('a file system that fills up (tmpfs)', () => {
  let database: FaultDatabase;
  let t: TestApp;
  let admin: SignedInUser;
  let auditor: SignedInUser;
  let smallDisk: string | undefined;

  beforeAll(async () => {
    database = await FaultDatabase.start('disk');
    const mountPoint = join(database.dataDir, '..', 'small-disk');
    await mkdir(mountPoint);
    const uid = execFileSync('id', ['-u', 'postgres']).toString().trim();
    const gid = execFileSync('id', ['-g', 'postgres']).toString().trim();
    const options = `size=2m,mode=0700,uid=${uid},gid=${gid}`;
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', mountPoint]);
    smallDisk = mountPoint;
    // The audit trail lives on the small disk: a write's last step (its event, recorded in
    // audit_pending) is the one to fail, after its other changes were made on the big one.
    await database.query(`CREATE TABLESPACE small_disk LOCATION '${mountPoint}'`);
    await database.query('ALTER TABLE audit_events SET TABLESPACE small_disk');
    await database.query('ALTER TABLE audit_pending SET TABLESPACE small_disk');
    t = await startFaultApp(database);
    admin = await createUser(t, ['admin']);
    auditor = await createUser(t, ['auditor']);
  });
  afterAll(async () => {
    await t?.close();
    await database?.stopServer();
    if (smallDisk) execFileSync('umount', [smallDisk]);
    await database?.destroy();
  });

  it('refuses enrolments with 503 and no trace while the disk is full, and takes them once there is room', async () => {
    const course = await makeCourse(t.db);
    const session = await makeSession(t.db, course.id, { capacity: 500, status: 'open' });
    const enrol = async () => {
      const trainee = await makeTrainee(t.db);
      return t.http
        .post(`/api/v1/sessions/${session.id}/enrolments`)
        .set(admin.auth)
        .send({ traineeId: trainee.id });
    };

    const filler = await fillUp(smallDisk!);
    // The audit table's last page may still have room for a few events; the first write that
    // needs a new page meets the full disk.
    let refused: Response | undefined;
    for (let attempt = 0; attempt < 200 && !refused; attempt++) {
      const before = await registerSnapshot(database);
      const res = await enrol();
      if (res.status === 201) continue;
      refused = res;
      expect(await registerSnapshot(database)).toEqual(before);
    }
    expect(refused).toBeDefined();
    expectUnavailable(refused!);
    // Still full: refused again, still without a trace; reading does not need the disk.
    const before = await registerSnapshot(database);
    expectUnavailable(await enrol());
    expect(await registerSnapshot(database)).toEqual(before);
    const read = await t.http.get(`/api/v1/sessions/${session.id}`).set(admin.auth);
    expect(read.status).toBe(200);

    await rm(filler);
    expect((await enrol()).status).toBe(201);
    await expectRegisterConsistent(database, t, auditor);
  });
});

describe('PostgreSQL reports a full disk (SQLSTATE 53100) in the middle of a transaction', () => {
  let database: FaultDatabase;
  let t: TestApp;
  let admin: SignedInUser;
  let auditor: SignedInUser;

  beforeAll(async () => {
    database = await FaultDatabase.start('disk-trigger');
    t = await startFaultApp(database);
    admin = await createUser(t, ['admin']);
    auditor = await createUser(t, ['auditor']);
    await database.query(
      `CREATE FUNCTION fault_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full';
       END $$`,
    );
  });
  afterAll(async () => {
    await t?.close();
    await database?.destroy();
  });

  /** The disk "fills up" when `tables` are next written (`event`), and has room again after. */
  async function whileFull(
    tables: string | string[],
    event: 'INSERT' | 'UPDATE',
    run: () => Promise<void>,
  ) {
    const names = typeof tables === 'string' ? [tables] : tables;
    for (const table of names) {
      await database.query(
        `CREATE TRIGGER fault_disk_full BEFORE ${event} ON ${table}
           FOR EACH ROW EXECUTE FUNCTION fault_disk_full()`,
      );
    }
    try {
      await run();
    } finally {
      for (const table of names) await database.query(`DROP TRIGGER fault_disk_full ON ${table}`);
    }
  }

  /** Where a write's audit events go: audit_pending (one event), audit_events (a bulk record). */
  const AUDIT_TRAIL = ['audit_pending', 'audit_events'];

  async function expectRefusedWithoutTrace(request: () => PromiseLike<Response>) {
    const before = await registerSnapshot(database);
    expectUnavailable(await request());
    expect(await registerSnapshot(database)).toEqual(before);
  }

  it('an enrolment: the seat is not taken when the seat count cannot be written, nor when its audit event cannot', async () => {
    const course = await makeCourse(t.db);
    const session = await makeSession(t.db, course.id, { capacity: 5, status: 'open' });
    const trainee = await makeTrainee(t.db);
    const enrol = () =>
      t.http
        .post(`/api/v1/sessions/${session.id}/enrolments`)
        .set(admin.auth)
        .send({ traineeId: trainee.id });

    // After the enrolment row is written, before the seat is counted.
    await whileFull('course_sessions', 'UPDATE', () => expectRefusedWithoutTrace(enrol));
    // Everything written but the audit event.
    await whileFull(AUDIT_TRAIL, 'INSERT', () => expectRefusedWithoutTrace(enrol));
    expect((await enrol()).status).toBe(201);
    await expectRegisterConsistent(database, t, auditor);
  });

  it('an enrolment whose event cannot be chained after commit: acknowledged, kept pending, chained once there is room', async () => {
    const course = await makeCourse(t.db);
    const session = await makeSession(t.db, course.id, { capacity: 5, status: 'open' });
    const trainee = await makeTrainee(t.db);
    const pendingFor = async (enrolmentId: string) =>
      (
        await database.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_pending WHERE entity_id = $1`,
          [enrolmentId],
        )
      )[0].n;
    let enrolmentId = '';
    // The change and its event commit together; only moving the event into the chain fails.
    await whileFull('audit_events', 'INSERT', async () => {
      const res = await t.http
        .post(`/api/v1/sessions/${session.id}/enrolments`)
        .set(admin.auth)
        .send({ traineeId: trainee.id });
      expect(res.status).toBe(201);
      enrolmentId = (res.body as { id: string }).id;
      expect(await pendingFor(enrolmentId)).toBe(1);
    });
    // Room again: the sweeper (every few seconds) puts it in the chain.
    await waitFor(
      'the pending event to be chained',
      async () => (await pendingFor(enrolmentId)) === 0,
    );
    const [chained] = await database.query<{ action: string }>(
      `SELECT action FROM audit_events WHERE entity_id = $1`,
      [enrolmentId],
    );
    expect(chained).toEqual({ action: 'enrolment.created' });
    await expectRegisterConsistent(database, t, auditor);
  });

  it('a withdrawal that promotes the first in line', async () => {
    const { seated } = await fullSessionWithWaitingList(t, 2, 2);
    const withdraw = () =>
      t.http.post(`/api/v1/enrolments/${seated[0].id}/withdraw`).set(admin.auth);

    await whileFull(AUDIT_TRAIL, 'INSERT', () => expectRefusedWithoutTrace(withdraw));
    expect((await withdraw()).status).toBe(200);
    await expectRegisterConsistent(database, t, auditor);
  });

  it('a bulk certificate issue', async () => {
    const { session, instructorUser } = await completedSession(t, 4);
    const issueAll = () =>
      t.http.post(`/api/v1/sessions/${session.id}/certificates`).set(instructorUser.auth);

    await whileFull(AUDIT_TRAIL, 'INSERT', () => expectRefusedWithoutTrace(issueAll));
    const again = await issueAll();
    expect(again.status).toBe(201);
    expect((again.body as { issued: unknown[] }).issued).toHaveLength(4);
    await expectRegisterConsistent(database, t, auditor);
  });
});
