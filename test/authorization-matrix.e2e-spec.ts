import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { registeredRoutes } from '../src/app.factory.js';
import { Enrolment } from '../src/enrolments/enrolment.entity.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, TEST_PASSWORD, type SignedInUser } from './factories.js';
import {
  assign,
  makeCourse,
  makeInstructor,
  makeOrganisation,
  makePassedEnrolment,
  makeSession,
  makeTrainee,
  qualify,
} from './fixtures.js';

/**
 * Every route the running app serves, checked against who may call it. A route missing from
 * MATRIX fails the test: nothing ships without a decision about its callers.
 *
 * Outcomes: `ok` = let through (any status but 401/403: the call may still be refused for
 * its content), `403`, `401`. Callers meet two contexts: "mine" (the trainee's own records;
 * the instructor's assigned session) and "theirs" (another trainee's; a session they don't
 * teach). A pair [mine, theirs] gives both outcomes; one value means the same for both.
 * The coordinator's "mine" is their organisation's trainee, "theirs" another organisation's,
 * whose records answer `404` as unknown ids would (no 403 that tells they exist).
 */
type Outcome = 'ok' | 401 | 403 | 404;
type Pair = Outcome | [Outcome, Outcome];
interface Rule {
  anon: Outcome;
  trainee: Pair;
  instructor: Pair;
  auditor: Outcome;
  admin: Outcome;
  /** Optional for the type only: a route without a coordinator decision fails the test. */
  coordinator?: Pair;
  body?: (ctx: Context) => object;
}

const everyone: Rule = {
  anon: 'ok',
  trainee: 'ok',
  instructor: 'ok',
  auditor: 'ok',
  admin: 'ok',
  coordinator: 'ok',
};
const signedIn: Rule = {
  anon: 401,
  trainee: 'ok',
  instructor: 'ok',
  auditor: 'ok',
  admin: 'ok',
  coordinator: 'ok',
};
const adminOnly: Rule = {
  anon: 401,
  trainee: 403,
  instructor: 403,
  auditor: 403,
  admin: 'ok',
  coordinator: 403,
};
const readers: Rule = {
  anon: 401,
  trainee: 403,
  instructor: 403,
  auditor: 'ok',
  admin: 'ok',
  coordinator: 403,
};
/** A trainee's own records, the people of an instructor's sessions, and everything for auditors. */
const personal: Rule = {
  anon: 401,
  trainee: ['ok', 403],
  instructor: ['ok', 403],
  auditor: 'ok',
  admin: 'ok',
  coordinator: ['ok', 404],
};
const recording: Rule = {
  anon: 401,
  trainee: 403,
  instructor: ['ok', 403],
  auditor: 403,
  admin: 'ok',
  coordinator: 403,
};
const issuing: Rule = {
  anon: 401,
  trainee: 403,
  instructor: ['ok', 403],
  auditor: 403,
  admin: 403,
  coordinator: 403,
};

const MATRIX: Record<string, Rule> = {
  'GET /health/live': everyone,
  'GET /health/ready': everyone,
  'GET /docs': everyone,
  'GET /docs/': everyone,
  'GET /docs/*': everyone,
  'GET /docs/swagger-ui-init.js': everyone,
  'GET /docs/docs/swagger-ui-init.js': everyone,
  'GET /docs/index.html': everyone,
  'GET /docs/LICENSE': everyone,
  'GET /docs-json': everyone,
  'GET /docs-yaml': everyone,
  'GET /verify': everyone,
  'GET /verify/:serial': everyone,
  'POST /verify': { ...everyone, body: (c) => ({ credential: c.jwt }) },
  'GET /.well-known/jwks.json': everyone,
  'GET /issuer': everyone,
  'GET /credentials/status/:listId': everyone,
  'GET /credentials/status/:listId/:keyFingerprint': everyone,
  // The W3C VC API's verifier routes: public, like POST /verify.
  'POST /credentials/verify': { ...everyone, body: (c) => ({ verifiableCredential: c.jwt }) },
  'POST /presentations/verify': {
    ...everyone,
    body: (c) => ({
      verifiablePresentation: {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiablePresentation'],
        verifiableCredential: [c.jwt],
      },
    }),
  },

  'POST /api/v1/auth/login': {
    ...everyone,
    body: (c) => ({ email: c.loginEmail, password: TEST_PASSWORD }),
  },
  // Open to all: a made-up token is refused for what it is (401), whoever sends it.
  'POST /api/v1/auth/refresh': {
    anon: 401,
    trainee: 401,
    instructor: 401,
    auditor: 401,
    admin: 401,
    coordinator: 401,
    body: () => ({ refreshToken: 'not-a-token' }),
  },
  'POST /api/v1/auth/logout': { ...signedIn, body: () => ({ refreshToken: 'not-a-token' }) },
  'GET /api/v1/auth/me': signedIn,
  'POST /api/v1/auth/password': signedIn,
  // The browser's cookie session: sign-in as login; without its cookies renewing is refused
  // (401) and signing out only clears cookies, whoever asks.
  'POST /api/v1/auth/web-session': {
    ...everyone,
    body: (c) => ({ email: c.loginEmail, password: TEST_PASSWORD }),
  },
  'POST /api/v1/auth/web-session/refresh': {
    anon: 401,
    trainee: 401,
    instructor: 401,
    auditor: 401,
    admin: 401,
    coordinator: 401,
  },
  'DELETE /api/v1/auth/web-session': everyone,
  // Password recovery is open to all: the answer is the same whoever asks, about any address.
  'POST /api/v1/auth/password-reset': { ...everyone, body: (c) => ({ email: c.loginEmail }) },
  // A made-up token is refused for what it is (400), whoever sends it.
  'POST /api/v1/auth/password-reset/confirm': {
    ...everyone,
    body: () => ({ token: 'not-a-token', newPassword: 'Quiet-Harbour-Lantern-42' }),
  },
  'GET /api/v1/auth/me/preferences': signedIn,
  'PATCH /api/v1/auth/me/preferences': { ...signedIn, body: () => ({ reminders: true }) },

  'POST /api/v1/users': adminOnly,
  'GET /api/v1/users': readers,
  'GET /api/v1/users/:id': readers,
  'PATCH /api/v1/users/:id': adminOnly,
  // The admin's reset ends the auditor's sessions (the auditor's calls come before the admin's).
  'POST /api/v1/users/:id/invitation': adminOnly,
  'POST /api/v1/users/:id/password-reset': adminOnly,

  'POST /api/v1/organisations': adminOnly,
  'GET /api/v1/organisations': signedIn,
  'GET /api/v1/organisations/:id': signedIn,
  'PATCH /api/v1/organisations/:id': adminOnly,

  'POST /api/v1/courses': adminOnly,
  'GET /api/v1/courses': signedIn,
  'GET /api/v1/courses/:id': signedIn,
  'PATCH /api/v1/courses/:id': adminOnly,
  'POST /api/v1/courses/:courseId/sessions': adminOnly,

  'GET /api/v1/sessions': signedIn,
  'GET /api/v1/sessions/:id': signedIn,
  'PATCH /api/v1/sessions/:id': adminOnly,
  'POST /api/v1/sessions/:id/status': adminOnly,
  'POST /api/v1/sessions/:id/instructors': adminOnly,
  'DELETE /api/v1/sessions/:id/instructors/:instructorId': adminOnly,
  'POST /api/v1/sessions/:id/enrolments': {
    anon: 401,
    trainee: ['ok', 403],
    instructor: 403,
    auditor: 403,
    admin: 'ok',
    // Their organisation's trainee; another's is refused as an unknown trainee (422).
    coordinator: 'ok',
    body: (c) => ({ traineeId: c.traineeId }),
  },
  // A coordinator's roster of any session: their organisation's people in it.
  'GET /api/v1/sessions/:id/enrolments': { ...personal, trainee: 403, coordinator: 'ok' },
  'POST /api/v1/sessions/:id/certificates': issuing,
  'PUT /api/v1/sessions/:id/attendance': recording,
  'PUT /api/v1/sessions/:id/assessments': recording,
  // Names everyone in the session: not for coordinators, whose reach is their own people.
  'GET /api/v1/sessions/:id/attendance-sheet': {
    anon: 401,
    trainee: 403,
    instructor: ['ok', 403],
    auditor: 'ok',
    admin: 'ok',
    coordinator: 403,
  },

  'GET /api/v1/enrolments/:id': personal,
  'GET /api/v1/enrolments/:id/attendance': personal,
  'POST /api/v1/enrolments/:id/withdraw': {
    anon: 401,
    trainee: ['ok', 403],
    instructor: 403,
    auditor: 403,
    admin: 'ok',
    coordinator: ['ok', 404],
  },
  'POST /api/v1/enrolments/:id/promote': adminOnly,
  'POST /api/v1/enrolments/:id/waitlist-position': adminOnly,
  'PUT /api/v1/enrolments/:id/attendance': recording,
  'PUT /api/v1/enrolments/:id/assessment': recording,
  'POST /api/v1/enrolments/:id/certificate': issuing,

  // A coordinator lists, registers and corrects their organisation's people.
  'GET /api/v1/trainees': { ...readers, coordinator: 'ok' },
  'POST /api/v1/trainees': { ...adminOnly, coordinator: 'ok' },
  'GET /api/v1/trainees/:id': personal,
  'PATCH /api/v1/trainees/:id': { ...adminOnly, coordinator: ['ok', 404] },
  'GET /api/v1/trainees/:id/transcript': personal,
  // Credentials from other centres: presented by the trainee, their coordinator or a registrar
  // (a valid body, so the reach is what decides; the Center's own credential is then 422).
  'POST /api/v1/trainees/:id/recognitions': {
    anon: 401,
    trainee: ['ok', 403],
    instructor: 403,
    auditor: 403,
    admin: 'ok',
    coordinator: ['ok', 404],
    body: (c) => ({ courseId: c.courseId, credential: c.jwt, note: 'Prior learning' }),
  },
  'GET /api/v1/trainees/:id/recognitions': {
    anon: 401,
    trainee: ['ok', 403],
    instructor: 403,
    auditor: 'ok',
    admin: 'ok',
    coordinator: ['ok', 404],
  },
  // Deciding on what others presented is the registrar's.
  'POST /api/v1/trainees/:id/recognitions/:recognitionId/decision': adminOnly,
  'POST /api/v1/jobs/recognition-status': adminOnly,
  'GET /api/v1/trusted-issuers': readers,
  'POST /api/v1/trusted-issuers': adminOnly,
  'GET /api/v1/trusted-issuers/:id': readers,
  'PATCH /api/v1/trusted-issuers/:id': adminOnly,
  'DELETE /api/v1/trusted-issuers/:id': adminOnly,

  'GET /api/v1/instructors': { ...readers, instructor: 'ok' },
  'POST /api/v1/instructors': adminOnly,
  'GET /api/v1/instructors/:id': { ...readers, instructor: 'ok' },
  'PATCH /api/v1/instructors/:id': adminOnly,
  'POST /api/v1/instructors/:id/qualifications': adminOnly,
  'GET /api/v1/instructors/:id/qualifications': { ...readers, instructor: ['ok', 403] },

  'GET /api/v1/certificates': signedIn,
  'GET /api/v1/certificates/:id': personal,
  'GET /api/v1/certificates/:id/pdf': personal,
  'GET /api/v1/certificates/:id/qr.svg': personal,
  'GET /api/v1/certificates/:id/credential': personal,
  'GET /api/v1/certificates/:id/credential.json': personal,
  'GET /api/v1/certificates/:id/history': personal,
  'POST /api/v1/certificates/:id/suspend': adminOnly,
  'POST /api/v1/certificates/:id/reinstate': adminOnly,
  'POST /api/v1/certificates/:id/revoke': adminOnly,

  'GET /api/v1/signing-keys': readers,
  'POST /api/v1/signing-keys/rotate': adminOnly,

  'GET /api/v1/audit-events': readers,
  'GET /api/v1/audit-events/verification': readers,

  'GET /api/v1/notifications': readers,
  // The message itself (links, sometimes a token): admins only, not auditors.
  'GET /api/v1/notifications/:id/message': adminOnly,
  // Runs the daily reminder scan now: admins only.
  'POST /api/v1/jobs/expiry-reminders': adminOnly,
  'GET /api/v1/reports/training': readers,
  // A coordinator's: their organisation's certificates only.
  'GET /api/v1/reports/expiring': { ...readers, coordinator: 'ok' },
  'POST /api/v1/imports/:kind': adminOnly,
  'GET /api/v1/exports/:kind': readers,
  // The registrar's desk: auditors read it as they read the registers.
  'GET /api/v1/desk': readers,
  // The inspector's sync bundle where the web session's cookies reach it (issue 19).
  'GET /api/v1/inspect/bundle.json': readers,
  // Field inspections: auditors record and read them (the one thing they write), as admins do.
  'POST /api/v1/inspections': {
    ...readers,
    body: () => ({
      inspections: [
        {
          clientId: randomUUID(),
          serial: 'COE-NOWHERE-2026-000000',
          checkedAt: new Date().toISOString(),
          verdict: 'not_genuine',
        },
      ],
    }),
  },
  'GET /api/v1/inspections': readers,
  // The same bundle for other clients: auditors and admins (anyone with INSPECT_PUBLIC=true).
  'GET /inspect/bundle.json': readers,
};

interface Context {
  traineeId: string;
  sessionId: string;
  instructorId: string;
  enrolmentId: string;
  certificateId: string;
  serial: string;
  jwt: string;
  courseId: string;
  organisationId: string;
  userId: string;
  loginEmail: string;
}

describe('authorization matrix', () => {
  let t: TestApp;
  const callers: Record<string, SignedInUser | null> = {};
  const ctx: Record<'mine' | 'theirs', Context> = {} as never;

  beforeAll(async () => {
    t = await startTestApp();
    const org = await makeOrganisation(t.db);
    // "theirs" is another organisation's, for the coordinator of `org`.
    const otherOrg = await makeOrganisation(t.db);
    const course = await makeCourse(t.db);
    const world = async (traineeOrg: string) => {
      const trainee = await makeTrainee(t.db, { organisationId: traineeOrg });
      const instructor = await makeInstructor(t.db);
      await qualify(t.db, instructor.id, course.id);
      const session = await makeSession(t.db, course.id, {
        startsOn: '2026-11-02',
        endsOn: '2026-11-06',
        status: 'completed',
      });
      await assign(t.db, session.id, instructor.id);
      const enrolment = await makePassedEnrolment(t.db, session.id, trainee.id);
      // A second participant keeps the session's certificate routes meaningful after issuing.
      const other = await makeTrainee(t.db);
      await t.db
        .getRepository(Enrolment)
        .save({ sessionId: session.id, traineeId: other.id, status: 'enrolled' });
      return { trainee, instructor, session, enrolment };
    };
    const mine = await world(org.id);
    const theirs = await world(otherOrg.id);
    callers.anon = null;
    callers.trainee = await createUser(t, ['trainee'], { traineeId: mine.trainee.id });
    callers.instructor = await createUser(t, ['instructor'], { instructorId: mine.instructor.id });
    callers.auditor = await createUser(t, ['auditor']);
    callers.admin = await createUser(t, ['admin']);
    callers.coordinator = await createUser(t, ['coordinator'], { organisationId: org.id });
    const theirInstructor = await createUser(t, ['instructor'], {
      instructorId: theirs.instructor.id,
    });
    const loginAccount = await createUser(t, ['trainee']);
    for (const [key, w, issuer] of [
      ['mine', mine, callers.instructor],
      ['theirs', theirs, theirInstructor],
    ] as const) {
      const cert = await t.http
        .post(`/api/v1/enrolments/${w.enrolment.id}/certificate`)
        .set(issuer!.auth);
      expect(cert.status).toBe(201);
      const credential = await t.http
        .get(`/api/v1/certificates/${cert.body.id}/credential`)
        .set(callers.admin.auth);
      ctx[key] = {
        traineeId: w.trainee.id,
        sessionId: w.session.id,
        instructorId: w.instructor.id,
        enrolmentId: w.enrolment.id,
        certificateId: cert.body.id,
        serial: cert.body.serial,
        jwt: credential.body.jwt,
        courseId: course.id,
        organisationId: org.id,
        userId: callers.auditor.id,
        loginEmail: loginAccount.email,
      };
    }
    // Open sessions make the enrolment routes reach their own rules.
    await t.db.query("UPDATE course_sessions SET status = 'in_progress'");
  });
  afterAll(() => t.close());

  function pathFor(url: string, c: Context): string {
    const segment = (before: string) => {
      switch (before) {
        case 'sessions':
          return c.sessionId;
        case 'trainees':
          return c.traineeId;
        case 'instructors':
          return c.instructorId;
        case 'enrolments':
          return c.enrolmentId;
        case 'certificates':
          return c.certificateId;
        case 'courses':
          return c.courseId;
        case 'organisations':
          return c.organisationId;
        case 'users':
          return c.userId;
        case 'imports':
        case 'exports':
          return 'trainees';
        case 'verify':
          return c.serial;
        case 'status':
          return 'revocation-1';
        default:
          return 'x';
      }
    };
    const parts = url.split('/');
    return parts
      .map((part, i) =>
        part === '*'
          ? 'index.html'
          : part.startsWith(':')
            ? segment(parts[i - 1] === 'instructors' && i > 4 ? 'instructors' : parts[i - 1])
            : part,
      )
      .join('/');
  }

  it('every route has a decision', () => {
    const routes = registeredRoutes(t.app).map((r) => `${r.method} ${r.url}`);
    const undecided = routes.filter((r) => !(r in MATRIX) && !isWebPage(r));
    expect(undecided).toEqual([]);
    const stale = Object.keys(MATRIX).filter((r) => !routes.includes(r));
    expect(stale).toEqual([]);
  });

  it('each caller gets the expected outcome on every route', async () => {
    const mismatches: string[] = [];
    const order = ['anon', 'trainee', 'instructor', 'auditor', 'coordinator', 'admin'] as const;
    // Caller by caller, admin last: the admin's calls may change things (unassign, rotate).
    for (const who of order) {
      for (const route of registeredRoutes(t.app)) {
        const key = `${route.method} ${route.url}`;
        const rule = MATRIX[key];
        if (!rule) continue;
        const expected = rule[who];
        if (expected === undefined) {
          mismatches.push(`${key}: no decision for ${who}`);
          continue;
        }
        for (const [i, context] of (['mine', 'theirs'] as const).entries()) {
          const want = Array.isArray(expected) ? expected[i] : expected;
          const c = ctx[context];
          const path = pathFor(route.url, c);
          const caller = callers[who];
          let req = t.http[route.method.toLowerCase() as 'get'](path);
          if (caller) req = req.set(caller.auth);
          if (route.method !== 'GET' && route.method !== 'DELETE')
            req = req.send(rule.body ? rule.body(c) : {});
          const res = await req;
          // 404 is told apart only where the matrix expects it (a coordinator's "theirs").
          const got: Outcome =
            res.status === 401
              ? 401
              : res.status === 403
                ? 403
                : want === 404 && res.status === 404
                  ? 404
                  : 'ok';
          if (got !== want)
            mismatches.push(
              `${key} as ${who} (${context}): expected ${want}, got ${res.status} ${res.body?.code ?? ''}`,
            );
          if (res.status >= 500) mismatches.push(`${key} as ${who} (${context}): ${res.status}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});

/** Pages of the web interface are public shells; the data they show comes through the API. */
function isWebPage(route: string): boolean {
  return /^GET \/(?!api\/|docs|health|verify|credentials|issuer|\.well-known)/.test(route);
}
