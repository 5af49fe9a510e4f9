import { describe, expect, it } from '@jest/globals';
import { LANGUAGES, type Lang } from '../../web/i18n.js';
import { CERTIFICATE_TEMPLATES } from './certificate.js';
import {
  ENROLMENT_TEMPLATES,
  ruPlural,
  type ChangedParams,
  type SessionParams,
} from './enrolment.js';
import { DIGEST_MAX_ITEMS, EXPIRY_TEMPLATES } from './expiry.js';
import type { MailContent, Template } from './template.js';

const session: SessionParams = {
  name: 'Leyla Hüseynova',
  courseCode: 'EOD-1',
  courseTitle: 'Explosive Ordnance Disposal Level 1',
  startsOn: '2026-12-07',
  endsOn: '2026-12-11',
  location: 'Goygol field training area',
  joiningInstructions: 'Gate 2 at 08:30.\nBring boots.',
  sessionUrl: 'https://coe.example/app/sessions/s1',
};

const certificate = {
  name: 'Leyla Hüseynova',
  serial: 'EOD1-2026-ABCD',
  courseCode: 'EOD-1',
  courseTitle: 'Explosive Ordnance Disposal Level 1',
  issuedOn: '2026-11-07',
  validUntil: '2028-11-07',
  verifyUrl: 'https://coe.example/verify/EOD1-2026-ABCD',
  certificateUrl: 'https://coe.example/app/certificates/c1',
  pdfUrl: 'https://coe.example/api/v1/certificates/c1/pdf',
  credentialUrl: 'https://coe.example/api/v1/certificates/c1/credential',
};

/** Everything the message says, as one string to search. */
function allText(m: MailContent): string {
  return [
    m.subject,
    m.greetingName ?? '',
    ...m.paragraphs,
    ...(m.facts ?? []).flat(),
    m.action?.label ?? '',
    m.action?.url ?? '',
    ...(m.notes ?? []),
  ].join('\n');
}

function render(template: Template | undefined, params: object, lang: Lang): MailContent {
  if (!template) throw new Error('missing template');
  return template(params as Record<string, unknown>, lang);
}

describe('enrolment and session templates', () => {
  it('word each message in every language with the session facts and its link', () => {
    const params: Record<string, object> = {
      'enrolment.confirmed': session,
      'enrolment.waitlisted': { ...session, position: 3 },
      'enrolment.promoted': session,
      'enrolment.withdrawn': session,
      'session.changed': {
        ...session,
        changes: [{ kind: 'location', before: 'Baku', after: 'Goygol field training area' }],
      },
      'session.cancelled': { ...session, catalogueUrl: 'https://coe.example/app/catalogue' },
      'session.reminder': { ...session, daysLeft: 7 },
    };
    const subjects = new Map<string, Set<string>>();
    for (const [type, template] of Object.entries(ENROLMENT_TEMPLATES)) {
      for (const lang of LANGUAGES) {
        const m = render(template, params[type], lang);
        const all = allText(m);
        expect(all).toContain('EOD-1');
        expect(all).toContain('2026-12-07');
        expect(m.greetingName).toBe('Leyla Hüseynova');
        expect(m.action?.url).toMatch(/^https:\/\/coe\.example\/app\//);
        expect(m.subject).not.toMatch(/undefined|NaN|\{/);
        expect(all).not.toMatch(/undefined|NaN/);
        subjects.set(type, (subjects.get(type) ?? new Set()).add(m.subject));
      }
      // Three languages, three different subjects: nothing left in English by mistake.
      expect(subjects.get(type)!.size).toBe(3);
    }
  });

  it('gives the waiting-list position', () => {
    for (const lang of LANGUAGES) {
      const m = render(
        ENROLMENT_TEMPLATES['enrolment.waitlisted'],
        { ...session, position: 4 },
        lang,
      );
      expect(m.subject).toContain('4');
      expect(m.paragraphs[0]).toContain('4');
    }
    expect(
      render(ENROLMENT_TEMPLATES['enrolment.waitlisted'], { ...session, position: 4 }, 'ru')
        .paragraphs[0],
    ).toContain('Ваш номер в листе ожидания: 4');
  });

  it('says what changed: dates, venue and instructors, worded per language', () => {
    const params: ChangedParams = {
      ...session,
      changes: [
        {
          kind: 'dates',
          before: { startsOn: '2026-12-01', endsOn: '2026-12-05' },
          after: { startsOn: '2026-12-07', endsOn: '2026-12-11' },
        },
        { kind: 'location', before: 'Baku', after: 'Goygol' },
        { kind: 'instructor', action: 'assigned', instructorName: 'Rashad Aliyev', role: 'lead' },
        {
          kind: 'instructor',
          action: 'removed',
          instructorName: 'Nigar Mammadova',
          role: 'assistant',
        },
      ],
    };
    const en = allText(render(ENROLMENT_TEMPLATES['session.changed'], params, 'en'));
    expect(en).toContain('2026-12-01 – 2026-12-05');
    expect(en).toContain('now 2026-12-07 – 2026-12-11');
    expect(en).toContain('was Baku, now Goygol');
    expect(en).toContain('Rashad Aliyev (lead instructor) has been assigned');
    expect(en).toContain('Nigar Mammadova (assistant instructor) no longer teaches');
    const az = allText(render(ENROLMENT_TEMPLATES['session.changed'], params, 'az'));
    expect(az).toContain('Sessiyaya aparıcı təlimatçı təyin edilib: Rashad Aliyev.');
    const ru = allText(render(ENROLMENT_TEMPLATES['session.changed'], params, 'ru'));
    expect(ru).toContain('На сессию назначен ведущий инструктор: Rashad Aliyev.');
    expect(ru).toContain('Место проведения: было «Baku», теперь «Goygol».');
    // An instructor change alone does not move the calendar entry.
    const onlyInstructor = render(
      ENROLMENT_TEMPLATES['session.changed'],
      { ...params, changes: params.changes.slice(2) },
      'en',
    );
    expect(onlyInstructor.notes).toEqual([]);
  });

  it('reminds "tomorrow" or "in N days", with Russian plurals, venue and joining instructions', () => {
    const reminder = ENROLMENT_TEMPLATES['session.reminder'];
    expect(render(reminder, { ...session, daysLeft: 1 }, 'en').subject).toContain(
      'starts tomorrow',
    );
    expect(render(reminder, { ...session, daysLeft: 7 }, 'en').subject).toContain(
      'starts in 7 days',
    );
    expect(render(reminder, { ...session, daysLeft: 1 }, 'az').subject).toContain('sabah başlayır');
    expect(render(reminder, { ...session, daysLeft: 7 }, 'az').subject).toContain('7 gün sonra');
    expect(render(reminder, { ...session, daysLeft: 7 }, 'ru').subject).toContain('через 7 дней');
    expect(render(reminder, { ...session, daysLeft: 3 }, 'ru').subject).toContain('через 3 дня');
    expect(render(reminder, { ...session, daysLeft: 1 }, 'ru').subject).toContain('завтра');
    const m = render(reminder, { ...session, daysLeft: 7, instructors: ['Rashad Aliyev'] }, 'en');
    expect(m.facts).toEqual(
      expect.arrayContaining([
        ['Venue', 'Goygol field training area'],
        ['Joining instructions', 'Gate 2 at 08:30.\nBring boots.'],
        ['Instructors', 'Rashad Aliyev'],
      ]),
    );
    expect(ruPlural(21, 'день', 'дня', 'дней')).toBe('день');
    expect(ruPlural(12, 'день', 'дня', 'дней')).toBe('дней');
  });

  it('words a cancelled waiting-list place differently from a cancelled seat', () => {
    const cancelled = ENROLMENT_TEMPLATES['session.cancelled'];
    const seat = allText(render(cancelled, session, 'en'));
    const waiting = allText(render(cancelled, { ...session, wasWaitlisted: true }, 'en'));
    expect(seat).toContain('Your enrolment in it has ended.');
    expect(waiting).toContain('Your place on its waiting list has ended.');
  });

  it('renders without failing when params are missing', () => {
    for (const template of Object.values({
      ...ENROLMENT_TEMPLATES,
      ...CERTIFICATE_TEMPLATES,
      ...EXPIRY_TEMPLATES,
    })) {
      for (const lang of LANGUAGES) {
        const m = render(template, {}, lang);
        expect(typeof m.subject).toBe('string');
        expect(allText(m)).not.toMatch(/undefined|NaN|\[object/);
      }
    }
  });
});

describe('certificate templates', () => {
  it('issued: the verification link, the PDF, the credential and how to add it to a wallet', () => {
    for (const lang of LANGUAGES) {
      const m = render(CERTIFICATE_TEMPLATES['certificate.issued'], certificate, lang);
      const all = allText(m);
      expect(m.subject).toContain('EOD1-2026-ABCD');
      expect(all).toContain('https://coe.example/verify/EOD1-2026-ABCD');
      expect(all).toContain('https://coe.example/api/v1/certificates/c1/pdf');
      expect(all).toContain('https://coe.example/api/v1/certificates/c1/credential');
      expect(all).toContain('2028-11-07');
      expect(all).toMatch(/Open Badges 3\.0/);
      expect(m.action?.url).toBe('https://coe.example/app/certificates/c1');
    }
    const never = allText(
      render(
        CERTIFICATE_TEMPLATES['certificate.issued'],
        { ...certificate, validUntil: null },
        'ru',
      ),
    );
    expect(never).toContain('Бессрочный');
  });

  it('words the reason category, never the code; the note only for "other"', () => {
    const suspended = render(
      CERTIFICATE_TEMPLATES['certificate.suspended'],
      { ...certificate, reason: 'medical_unfit', note: 'internal: clinic letter 42' },
      'en',
    );
    expect(suspended.facts).toContainEqual(['Reason', 'Medically unfit']);
    expect(allText(suspended)).not.toContain('medical_unfit');
    expect(allText(suspended)).not.toContain('clinic letter');
    const revokedAz = render(
      CERTIFICATE_TEMPLATES['certificate.revoked'],
      { ...certificate, reason: 'fraud_or_misconduct' },
      'az',
    );
    expect(revokedAz.facts).toContainEqual(['Səbəb', 'Saxtakarlıq və ya intizam pozuntusu']);
    expect(revokedAz.subject).toBe('EOD1-2026-ABCD nömrəli sertifikat ləğv edildi');
    const other = render(
      CERTIFICATE_TEMPLATES['certificate.revoked'],
      { ...certificate, reason: 'other', note: 'Duplicate record merged' },
      'ru',
    );
    expect(other.facts).toContainEqual(['Причина', 'Иная причина: Duplicate record merged']);
    const reinstated = render(
      CERTIFICATE_TEMPLATES['certificate.reinstated'],
      { ...certificate, reason: 'qa_finding' },
      'en',
    );
    expect(reinstated.subject).toBe('Certificate EOD1-2026-ABCD reinstated');
    expect(reinstated.facts).toContainEqual(['Reason', 'Quality assurance finding']);
  });
});

describe('expiry templates', () => {
  const sessions = [
    {
      courseCode: 'EOD-1R',
      courseTitle: 'EOD Level 1 refresher',
      startsOn: '2027-09-06',
      endsOn: '2027-09-08',
      location: 'Baku training centre',
      url: 'https://coe.example/app/sessions/s9',
    },
  ];

  it('certificate.expiring lists the sessions that renew it and links the first', () => {
    const m = render(
      EXPIRY_TEMPLATES['certificate.expiring'],
      { ...certificate, daysLeft: 30, sessions, catalogueUrl: 'https://coe.example/app/catalogue' },
      'en',
    );
    expect(m.subject).toBe(
      'Your certificate in EOD-1 Explosive Ordnance Disposal Level 1 expires on 2028-11-07',
    );
    expect(allText(m)).toContain('(30 days from today)');
    expect(allText(m)).toContain(
      '2027-09-06 – 2027-09-08, EOD-1R EOD Level 1 refresher, Baku training centre',
    );
    expect(m.action?.url).toBe('https://coe.example/app/sessions/s9');
    const none = render(
      EXPIRY_TEMPLATES['certificate.expiring'],
      {
        ...certificate,
        daysLeft: 90,
        sessions: [],
        catalogueUrl: 'https://coe.example/app/catalogue',
      },
      'ru',
    );
    expect(allText(none)).toContain('осталось 90 дней');
    expect(none.action?.url).toBe('https://coe.example/app/catalogue');
    const one = render(
      EXPIRY_TEMPLATES['certificate.expiring'],
      { ...certificate, daysLeft: 21 },
      'ru',
    );
    expect(allText(one)).toContain('остался 21 день');
  });

  it('the digest lists each certificate and caps a long list', () => {
    const item = (i: number) => ({
      holderName: `Person ${i}`,
      serial: `S-${i}`,
      courseCode: 'EOD-1',
      courseTitle: 'EOD',
      validUntil: '2027-01-15',
    });
    const m = render(
      EXPIRY_TEMPLATES['organisation.expiry_digest'],
      { organisationName: 'HALO Trust', withinDays: 90, total: 2, items: [item(1), item(2)] },
      'az',
    );
    expect(m.subject).toBe('Müddəti 90 gün ərzində bitən sertifikatlar: HALO Trust (2)');
    expect(allText(m)).toContain('2027-01-15  Person 2: EOD-1 EOD (S-2)');
    const many = Array.from({ length: DIGEST_MAX_ITEMS + 5 }, (_, i) => item(i));
    const big = render(
      EXPIRY_TEMPLATES['organisation.expiry_digest'],
      { organisationName: 'X', withinDays: 90, total: many.length, items: many },
      'ru',
    );
    expect(allText(big)).toContain('…и ещё 5.');
    expect(big.paragraphs[0]).toContain('205 сертификатов');
  });

  it('qualification.expiring tells the instructor what lapses', () => {
    const m = render(
      EXPIRY_TEMPLATES['qualification.expiring'],
      {
        name: 'Rashad Aliyev',
        courseCode: 'EOD-1',
        courseTitle: 'EOD',
        validUntil: '2027-03-01',
        daysLeft: 60,
        instructorUrl: 'https://coe.example/app/instructors/i1',
      },
      'en',
    );
    expect(m.subject).toBe('Your qualification to teach EOD-1 EOD ends on 2027-03-01');
    expect(allText(m)).toContain('60 days from today');
    expect(m.action?.url).toBe('https://coe.example/app/instructors/i1');
  });
});
