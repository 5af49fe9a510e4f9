import { addMonths } from '../src/common/calendar.js';
import { STATUS_REASONS } from '../src/certifications/certificate-status.js';
import { STATUS_LIST_SIZE } from '../src/credentials/status-lists.service.js';
import { identityKey } from '../src/trainees/identity-key.js';
import {
  COURSES,
  FAMILY_NAMES,
  GIVEN_NAMES,
  NATIONALITIES,
  NATIONALITY_WEIGHTS,
  ORGANISATION_PLACES,
  ORGANISATION_STEMS,
  ORGANISATION_TYPES,
  ORGANISATION_TYPE_WEIGHTS,
  type CatalogueCourse,
} from './catalogue.js';
import { cumulativeWeights, Prng } from './prng.js';

/**
 * The shape of the data set, decided up front in compact arrays: who sat which session, who
 * passed, which certificates a later one superseded, which were revoked. Loading then only
 * formats rows, and every table can stream at the same time.
 */
export interface PlanOptions {
  certificates: number;
  seed: string;
  /** The data set's "today": sessions run in the years before it, a few are open after it. */
  asOf: string;
  /** The first status list number the plan may use (lists already in use stay untouched). */
  firstStatusList?: number;
}

export const ENROLMENT = { completed: 0, failed: 1, withdrawn: 2, enrolled: 3 } as const;
export const ENROLMENT_STATUS_NAMES = ['completed', 'failed', 'withdrawn', 'enrolled'] as const;
export const SESSION = { completed: 0, cancelled: 1, open: 2, planned: 3 } as const;
export const SESSION_STATUS_NAMES = ['completed', 'cancelled', 'open', 'planned'] as const;
export const CERT = { active: 0, superseded: 1, revoked: 2, suspended: 3 } as const;
export const CERT_STATUS_NAMES = ['active', 'superseded', 'revoked', 'suspended'] as const;

const YEARS_OF_HISTORY = 12;
/** Status list entries used per list before the next one starts (as the application does). */
export const STATUS_LIST_FILL = Math.floor(STATUS_LIST_SIZE * 0.75);

export interface PlannedCourse extends CatalogueCourse {
  id: string;
  prerequisiteIds: string[];
  renewsIndex: number | null;
}

export interface PlannedInstructor {
  id: string;
  userId: string;
  givenName: string;
  familyName: string;
  email: string;
  organisation: number;
  courses: number[];
}

export interface PlannedOrganisation {
  id: string;
  name: string;
  country: string;
  type: string;
}

export interface PlannedTrainee {
  id: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  sex: 'female' | 'male';
  nationality: string;
  organisation: number;
  email: string | null;
  medicalClearanceUntil: string | null;
  identityKey: string;
}

export interface Plan {
  options: PlanOptions;
  asOfDay: number;
  organisations: PlannedOrganisation[];
  courses: PlannedCourse[];
  instructors: PlannedInstructor[];
  trainees: PlannedTrainee[];
  /** Index of the session block in which each trainee first appears (-1: registered, no course yet). */
  traineeFirstSession: Int32Array;
  sessions: {
    count: number;
    id: string[];
    course: Uint8Array;
    startDay: Int32Array;
    endDay: Int32Array;
    capacity: Uint8Array;
    status: Uint8Array;
    lead: Int32Array;
    firstEnrolment: Int32Array;
    enrolments: Uint8Array;
  };
  enrolments: {
    count: number;
    session: Int32Array;
    trainee: Int32Array;
    status: Uint8Array;
    certificate: Int32Array;
  };
  certificates: {
    count: number;
    enrolment: Int32Array;
    status: Uint8Array;
    supersededBy: Int32Array;
    /** Day of the revocation or suspension (0 otherwise). */
    changeDay: Int32Array;
    reason: Uint8Array;
    serial: string[];
    listNumber: Int32Array;
    listIndex: Int32Array;
  };
}

export const DAY_MS = 86_400_000;
export const dayOf = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
const isoDays = new Map<number, string>();
export function isoDay(day: number): string {
  let iso = isoDays.get(day);
  if (iso === undefined) {
    iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
    isoDays.set(day, iso);
  }
  return iso;
}

const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex8 = (n: number) =>
  HEX_BYTES[n >>> 24] +
  HEX_BYTES[(n >>> 16) & 255] +
  HEX_BYTES[(n >>> 8) & 255] +
  HEX_BYTES[n & 255];

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Ids are a bijective mix of (table, index): unique, random-looking, reproducible, no storage. */
export function idOf(table: number, index: number, salt: number): string {
  // mix is a bijection on 32 bits, so `a` alone keeps the ids of one table distinct.
  const a = mix((index ^ salt ^ (table << 27)) >>> 0);
  const b = mix((a + table * 0x9e3779b9) >>> 0);
  const c = mix((b ^ salt) >>> 0);
  const d = mix((c + 0x6d2b79f5) >>> 0);
  const hb = hex8(b);
  const hc = hex8(c);
  const variant = (8 | (c & 3)).toString(16);
  return `${hex8(a)}-${hb.slice(0, 4)}-4${hb.slice(5, 8)}-${variant}${hc.slice(1, 4)}-${hc.slice(4, 8)}${hex8(d)}`;
}

export const TABLE = {
  organisation: 1,
  course: 2,
  instructor: 3,
  user: 4,
  trainee: 5,
  session: 6,
  enrolment: 7,
  certificate: 8,
  audit: 9,
  qualification: 10,
} as const;

const SERIAL_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function buildPlan(options: PlanOptions): Plan {
  const prng = new Prng(`${options.seed}:plan`);
  const salt = new Prng(`${options.seed}:ids`).uint32();
  const asOfDay = dayOf(options.asOf);
  const target = options.certificates;

  const organisations = planOrganisations(prng, salt, Math.max(10, Math.round(target / 5000)));
  const courses = planCourses(salt);
  const instructors = planInstructors(
    prng,
    salt,
    Math.max(8, Math.round(target / 4000)),
    courses,
    organisations,
  );
  const trainees = planTrainees(
    prng,
    salt,
    Math.max(60, Math.round(target * 0.4)),
    asOfDay,
    organisations,
  );

  // Sessions of the past, drawn until their passes reach the certificate count.
  const courseWeights = cumulativeWeights(courses.map((c) => c.weight));
  const courseIndexes = courses.map((_, i) => i);
  const drafts: {
    course: number;
    start: number;
    end: number;
    capacity: number;
    outcomes: number[];
    cancelled: boolean;
  }[] = [];
  const firstDay = asOfDay - YEARS_OF_HISTORY * 365;
  let passes = 0;
  while (passes < target) {
    const course = prng.weighted(courseIndexes, courseWeights);
    const duration = courses[course].durationDays;
    // Late in the window sessions have ended at least three days before "today".
    const start = prng.int(firstDay, asOfDay - duration - 3);
    const capacity = prng.int(12, 24);
    if (prng.chance(0.01)) {
      drafts.push({
        course,
        start,
        end: start + duration - 1,
        capacity,
        outcomes: [],
        cancelled: true,
      });
      continue;
    }
    const seats = prng.int(Math.ceil(capacity * 0.6), capacity);
    const outcomes: number[] = [];
    for (let s = 0; s < seats; s++) {
      const x = prng.next();
      const outcome =
        x < 0.04 ? ENROLMENT.withdrawn : x < 0.13 ? ENROLMENT.failed : ENROLMENT.completed;
      if (outcome === ENROLMENT.completed) passes += 1;
      outcomes.push(outcome);
    }
    drafts.push({ course, start, end: start + duration - 1, capacity, outcomes, cancelled: false });
  }
  // Exactly the requested count: the last draws' surplus passes become fails.
  while (passes > target) {
    const draft = drafts[drafts.length - 1 - prng.int(0, Math.min(drafts.length - 1, 50))];
    const seat = draft.outcomes.indexOf(ENROLMENT.completed);
    if (seat >= 0) {
      draft.outcomes[seat] = ENROLMENT.failed;
      passes -= 1;
    }
  }
  drafts.sort((a, b) => a.end - b.end || a.start - b.start);
  // A few sessions ahead: open for enrolment (some seats taken) or still planned.
  const upcoming = Math.max(3, Math.round(drafts.length * 0.01));
  for (let i = 0; i < upcoming; i++) {
    const course = prng.weighted(courseIndexes, courseWeights);
    const start = asOfDay + prng.int(3, 120);
    const capacity = prng.int(12, 24);
    const open = prng.chance(0.6);
    const seats = open ? prng.int(0, capacity - 1) : 0;
    drafts.push({
      course,
      start,
      end: start + courses[course].durationDays - 1,
      capacity,
      outcomes: new Array<number>(seats).fill(ENROLMENT.enrolled),
      cancelled: false,
    });
  }

  const sessionCount = drafts.length;
  const enrolmentCount = drafts.reduce((n, d) => n + d.outcomes.length, 0);
  const sessions: Plan['sessions'] = {
    count: sessionCount,
    id: new Array<string>(sessionCount),
    course: new Uint8Array(sessionCount),
    startDay: new Int32Array(sessionCount),
    endDay: new Int32Array(sessionCount),
    capacity: new Uint8Array(sessionCount),
    status: new Uint8Array(sessionCount),
    lead: new Int32Array(sessionCount),
    firstEnrolment: new Int32Array(sessionCount),
    enrolments: new Uint8Array(sessionCount),
  };
  const enrolments: Plan['enrolments'] = {
    count: enrolmentCount,
    session: new Int32Array(enrolmentCount),
    trainee: new Int32Array(enrolmentCount),
    status: new Uint8Array(enrolmentCount),
    certificate: new Int32Array(enrolmentCount).fill(-1),
  };
  const certificates: Plan['certificates'] = {
    count: target,
    enrolment: new Int32Array(target),
    status: new Uint8Array(target),
    supersededBy: new Int32Array(target).fill(-1),
    changeDay: new Int32Array(target),
    reason: new Uint8Array(target),
    serial: new Array<string>(target),
    listNumber: new Int32Array(target),
    listIndex: new Int32Array(target),
  };
  const traineeFirstSession = new Int32Array(trainees.length).fill(-1);
  const qualified = courses.map((_, c) =>
    instructors.map((ins, i) => (ins.courses.includes(c) ? i : -1)).filter((i) => i >= 0),
  );

  const activeOf = new Map<number, number>();
  const inSession = new Set<number>();
  const serials = new Map<string, Set<number>>();
  let listNumber = (options.firstStatusList ?? 1) - 1;
  let listPositions: Int32Array = new Int32Array(0);
  let e = 0;
  let cert = 0;
  for (let s = 0; s < sessionCount; s++) {
    const draft = drafts[s];
    sessions.id[s] = idOf(TABLE.session, s, salt);
    sessions.course[s] = draft.course;
    sessions.startDay[s] = draft.start;
    sessions.endDay[s] = draft.end;
    sessions.capacity[s] = draft.capacity;
    sessions.status[s] = draft.cancelled
      ? SESSION.cancelled
      : draft.start <= asOfDay
        ? SESSION.completed
        : draft.outcomes.length > 0 || prng.chance(0.5)
          ? SESSION.open
          : SESSION.planned;
    sessions.lead[s] = prng.pick(qualified[draft.course]);
    sessions.firstEnrolment[s] = e;
    sessions.enrolments[s] = draft.outcomes.length;
    inSession.clear();
    const course = courses[draft.course];
    for (const outcome of draft.outcomes) {
      let trainee = prng.int(0, trainees.length - 1);
      while (inSession.has(trainee)) trainee = prng.int(0, trainees.length - 1);
      inSession.add(trainee);
      if (traineeFirstSession[trainee] < 0) traineeFirstSession[trainee] = s;
      enrolments.session[e] = s;
      enrolments.trainee[e] = trainee;
      enrolments.status[e] = outcome;
      if (outcome === ENROLMENT.completed) {
        enrolments.certificate[e] = cert;
        certificates.enrolment[cert] = e;
        if (cert % STATUS_LIST_FILL === 0) {
          listNumber += 1;
          listPositions = prng.sample(STATUS_LIST_SIZE, STATUS_LIST_FILL);
        }
        certificates.listNumber[cert] = listNumber;
        certificates.listIndex[cert] = listPositions[cert % STATUS_LIST_FILL];
        certificates.serial[cert] = uniqueSerial(prng, serials, course.code, issueDay(draft.end));
        // The issuing rule: a new certificate supersedes the holder's active ones of the same
        // course and of the course it renews.
        for (const c of [draft.course, course.renewsIndex]) {
          if (c === null) continue;
          const key = trainee * 64 + c;
          const earlier = activeOf.get(key);
          if (earlier !== undefined) {
            certificates.status[earlier] = CERT.superseded;
            certificates.supersededBy[earlier] = cert;
            activeOf.delete(key);
          }
        }
        activeOf.set(trainee * 64 + draft.course, cert);
        cert += 1;
      }
      e += 1;
    }
  }

  // About 0.25% revoked and 0.15% suspended, on some day between issue and "today".
  const changes = Math.round(target * 0.004);
  for (let i = 0; i < changes; i++) {
    const c = prng.int(0, target - 1);
    if (certificates.status[c] !== CERT.active) continue;
    const issued = issueDay(sessions.endDay[enrolments.session[certificates.enrolment[c]]]);
    if (issued >= asOfDay - 2) continue;
    certificates.status[c] = prng.chance(0.62) ? CERT.revoked : CERT.suspended;
    certificates.changeDay[c] = prng.int(issued + 1, asOfDay - 1);
    certificates.reason[c] = prng.int(0, STATUS_REASONS.length - 1);
  }

  return {
    options,
    asOfDay,
    organisations,
    courses,
    instructors,
    trainees,
    traineeFirstSession,
    sessions,
    enrolments,
    certificates,
  };
}

/** Certificates are issued two days after the session's last day. */
export const issueDay = (endDay: number) => endDay + 2;

export function validUntilOf(course: CatalogueCourse, issuedDay: number): string | null {
  return course.validityMonths === null
    ? null
    : addMonths(isoDay(issuedDay), course.validityMonths);
}

/** Two base32 characters for each 10-bit value: a serial's 30 random bits in three lookups. */
const SERIAL_PAIRS = Array.from(
  { length: 1024 },
  (_, i) => SERIAL_ALPHABET[i >> 5] + SERIAL_ALPHABET[i & 31],
);

function uniqueSerial(
  prng: Prng,
  taken: Map<string, Set<number>>,
  code: string,
  day: number,
): string {
  const prefix = `COE-${code.replace(/[^A-Z0-9]/g, '')}-${isoDay(day).slice(0, 4)}-`;
  let used = taken.get(prefix);
  if (!used) taken.set(prefix, (used = new Set()));
  for (;;) {
    const random = prng.uint32() >>> 2;
    if (used.has(random)) continue;
    used.add(random);
    return (
      prefix +
      SERIAL_PAIRS[random >>> 20] +
      SERIAL_PAIRS[(random >>> 10) & 1023] +
      SERIAL_PAIRS[random & 1023]
    );
  }
}

function planOrganisations(prng: Prng, salt: number, count: number): PlannedOrganisation[] {
  const typeWeights = cumulativeWeights(ORGANISATION_TYPE_WEIGHTS);
  const names = new Set<string>();
  return Array.from({ length: count }, (_, i) => {
    let name = `${prng.pick(ORGANISATION_STEMS)} ${prng.pick(ORGANISATION_PLACES)}`;
    if (names.has(name)) name = `${name} ${i}`;
    names.add(name);
    return {
      id: idOf(TABLE.organisation, i, salt),
      name,
      country: prng.chance(0.7) ? 'AZ' : prng.pick(['UA', 'GE', 'TR', 'GB', 'CH', 'US']),
      type: prng.weighted(ORGANISATION_TYPES, typeWeights),
    };
  });
}

function planCourses(salt: number): PlannedCourse[] {
  const index = new Map(COURSES.map((c, i) => [c.code, i]));
  const ids = COURSES.map((_, i) => idOf(TABLE.course, i, salt));
  return COURSES.map((c, i) => ({
    ...c,
    id: ids[i],
    prerequisiteIds: c.prerequisites.map((p) => ids[index.get(p)!]),
    renewsIndex: c.renews === null ? null : index.get(c.renews)!,
  }));
}

function planInstructors(
  prng: Prng,
  salt: number,
  count: number,
  courses: PlannedCourse[],
  organisations: PlannedOrganisation[],
): PlannedInstructor[] {
  const instructors = Array.from({ length: count }, (_, i) => {
    const sex = prng.chance(0.2) ? 'female' : 'male';
    const taught = new Set<number>();
    const n = prng.int(2, 5);
    while (taught.size < n) taught.add(prng.int(0, courses.length - 1));
    return {
      id: idOf(TABLE.instructor, i, salt),
      userId: idOf(TABLE.user, i, salt),
      givenName: prng.pick(GIVEN_NAMES[sex]),
      familyName: prng.pick(FAMILY_NAMES[sex]),
      email: `instructor-${i}@bench.coe`,
      organisation: prng.int(0, organisations.length - 1),
      courses: [...taught],
    };
  });
  // Every course has someone to teach it; instructor 0 (the benchmark's) teaches them all.
  instructors[0].courses = courses.map((_, c) => c);
  return instructors;
}

function planTrainees(
  prng: Prng,
  salt: number,
  count: number,
  asOfDay: number,
  organisations: PlannedOrganisation[],
): PlannedTrainee[] {
  const nationalityWeights = cumulativeWeights(NATIONALITY_WEIGHTS);
  const keys = new Set<string>();
  return Array.from({ length: count }, (_, i) => {
    const sex = prng.chance(0.18) ? 'female' : 'male';
    const givenName = prng.pick(GIVEN_NAMES[sex]);
    const familyName = prng.pick(FAMILY_NAMES[sex]);
    const nationality = prng.weighted(NATIONALITIES, nationalityWeights);
    let birthDay = asOfDay - prng.int(19 * 365, 60 * 365);
    let key = identityKey({ givenName, familyName, dateOfBirth: isoDay(birthDay), nationality });
    // Same names, birthday and nationality would be refused as a duplicate person.
    while (keys.has(key)) {
      birthDay -= 1;
      key = identityKey({ givenName, familyName, dateOfBirth: isoDay(birthDay), nationality });
    }
    keys.add(key);
    return {
      id: idOf(TABLE.trainee, i, salt),
      givenName,
      familyName,
      dateOfBirth: isoDay(birthDay),
      sex,
      nationality,
      organisation: prng.chance(0.9) ? prng.int(0, organisations.length - 1) : -1,
      email: prng.chance(0.5) ? `trainee-${i}@example.org` : null,
      medicalClearanceUntil: prng.chance(0.6) ? isoDay(asOfDay + prng.int(-365, 365)) : null,
      identityKey: key,
    };
  });
}
