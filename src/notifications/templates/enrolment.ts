import { pluralCategory } from '#message-format';
import { t, type Lang } from '../../web/i18n.js';
import type { MailContent, TemplateSet } from './template.js';

/*
 * Mail about a trainee's place in a session: enrolled or on the waiting list, promoted,
 * withdrawn; the session changed, cancelled, or about to start. Params (SessionParams plus):
 *   enrolment.confirmed    —
 *   enrolment.waitlisted   {position}
 *   enrolment.promoted     —
 *   enrolment.withdrawn    {wasWaitlisted?}
 *   session.changed        {changes: SessionChange[], waitlisted?}
 *   session.cancelled      {wasWaitlisted?, catalogueUrl}
 *   session.reminder       {daysLeft, instructors?: string[]}
 * Dates are written YYYY-MM-DD in every language, as the pages write them.
 */

/** What every message about a session says of it. */
export interface SessionParams {
  /** The trainee's name, for the greeting. */
  name?: string | null;
  courseCode: string;
  courseTitle: string;
  startsOn: string;
  endsOn: string;
  location: string;
  joiningInstructions?: string | null;
  /** The session's page, {PUBLIC_BASE_URL}/app/sessions/{id}. */
  sessionUrl: string;
}

export type SessionChange =
  | {
      kind: 'dates';
      before: { startsOn: string; endsOn: string };
      after: { startsOn: string; endsOn: string };
    }
  | { kind: 'location'; before: string; after: string }
  | {
      kind: 'instructor';
      action: 'assigned' | 'removed';
      instructorName: string;
      role: 'lead' | 'assistant';
    };

export type WaitlistedParams = SessionParams & { position: number };
export type WithdrawnParams = SessionParams & { wasWaitlisted?: boolean };
export type ChangedParams = SessionParams & { changes: SessionChange[]; waitlisted?: boolean };
export type CancelledParams = SessionParams & { wasWaitlisted?: boolean; catalogueUrl: string };
export type ReminderParams = SessionParams & { daysLeft: number; instructors?: string[] };

interface Words {
  course: string;
  dates: string;
  venue: string;
  instructions: string;
  instructors: string;
  waitlistPlace: string;
  viewSession: string;
  viewCatalogue: string;
  withdrawHint: string;
  confirmedSubject: (course: string) => string;
  confirmedIntro: (course: string) => string;
  waitlistedSubject: (course: string, position: number) => string;
  waitlistedIntro: (course: string, position: number) => string;
  waitlistedHow: string;
  promotedSubject: (course: string) => string;
  promotedIntro: (course: string) => string;
  withdrawnSubject: (course: string) => string;
  withdrawnIntro: (course: string, wasWaitlisted: boolean) => string;
  withdrawnAgain: string;
  changedSubject: (course: string) => string;
  changedIntro: (course: string, waitlisted: boolean) => string;
  datesChanged: (before: string, after: string) => string;
  venueChanged: (before: string, after: string) => string;
  instructorAssigned: (name: string, role: string) => string;
  instructorRemoved: (name: string, role: string) => string;
  changedCalendar: string;
  cancelledSubject: (course: string) => string;
  cancelledIntro: (course: string, dates: string) => string;
  cancelledEnded: (wasWaitlisted: boolean) => string;
  cancelledNext: string;
  cancelledCalendar: string;
  reminderSubject: (course: string, when: string) => string;
  reminderIntro: (course: string, when: string, startsOn: string) => string;
  calendarAttached: string;
  /** "today", "tomorrow", "in 7 days". */
  when: (daysLeft: number) => string;
}

const EN: Words = {
  course: 'Course',
  dates: 'Dates',
  venue: 'Venue',
  instructions: 'Joining instructions',
  instructors: 'Instructors',
  waitlistPlace: 'Place on the waiting list',
  viewSession: 'View the session',
  viewCatalogue: 'Open the course catalogue',
  withdrawHint:
    'If you cannot attend, withdraw on the session page so that your seat goes to the next person waiting.',
  confirmedSubject: (c) => `Enrolment confirmed: ${c}`,
  confirmedIntro: (c) => `You have a seat in the session of ${c}.`,
  waitlistedSubject: (c, n) => `Waiting list, number ${n}: ${c}`,
  waitlistedIntro: (c, n) =>
    `The session of ${c} is full. You are on its waiting list, number ${n}.`,
  waitlistedHow:
    'When a seat frees, it goes to the first person waiting; we will write to you when it is yours.',
  promotedSubject: (c) => `A seat is yours: ${c}`,
  promotedIntro: (c) =>
    `A seat has freed in the session of ${c} and it is now yours: you have moved from the waiting list to the session.`,
  withdrawnSubject: (c) => `Enrolment withdrawn: ${c}`,
  withdrawnIntro: (c, waitlisted) =>
    waitlisted
      ? `Your place on the waiting list of the session of ${c} has been withdrawn.`
      : `Your enrolment in the session of ${c} has been withdrawn.`,
  withdrawnAgain:
    'If this was not intended, you can enrol again on the session page while enrolment is open.',
  changedSubject: (c) => `Session changed: ${c}`,
  changedIntro: (c, waitlisted) =>
    waitlisted
      ? `The session of ${c}, for which you are on the waiting list, has changed:`
      : `The session of ${c} you are enrolled in has changed:`,
  datesChanged: (before, after) => `Dates: were ${before}, now ${after}.`,
  venueChanged: (before, after) => `Venue: was ${before}, now ${after}.`,
  instructorAssigned: (name, role) => `${name} (${role}) has been assigned to the session.`,
  instructorRemoved: (name, role) => `${name} (${role}) no longer teaches the session.`,
  changedCalendar: 'The attached calendar file (session.ics) updates the session in your calendar.',
  cancelledSubject: (c) => `Session cancelled: ${c}`,
  cancelledIntro: (c, dates) => `The session of ${c} planned for ${dates} has been cancelled.`,
  cancelledEnded: (waitlisted) =>
    waitlisted ? 'Your place on its waiting list has ended.' : 'Your enrolment in it has ended.',
  cancelledNext: 'Other sessions of the course are listed in the catalogue.',
  cancelledCalendar:
    'The attached calendar file (session.ics) marks the session as cancelled in your calendar.',
  reminderSubject: (c, when) => `Reminder: ${c} starts ${when}`,
  reminderIntro: (c, when, startsOn) => `Your session of ${c} starts ${when}, on ${startsOn}.`,
  calendarAttached: 'The attached calendar file (session.ics) adds the session to your calendar.',
  when: (n) => (n <= 0 ? 'today' : n === 1 ? 'tomorrow' : `in ${n} days`),
};

const AZ: Words = {
  course: 'Kurs',
  dates: 'Tarixlər',
  venue: 'Yer',
  instructions: 'İştirakçılar üçün təlimat',
  instructors: 'Təlimatçılar',
  waitlistPlace: 'Gözləmə siyahısındakı yeriniz',
  viewSession: 'Sessiyaya baxın',
  viewCatalogue: 'Kurs kataloquna keçin',
  withdrawHint:
    'İştirak edə bilməyəcəksinizsə, sessiya səhifəsində qeydiyyatdan imtina edin ki, yeriniz növbədə gözləyən növbəti şəxsə keçsin.',
  confirmedSubject: (c) => `Qeydiyyat təsdiqləndi: ${c}`,
  confirmedIntro: (c) => `«${c}» kursunun sessiyasında sizə yer ayrıldı.`,
  waitlistedSubject: (c, n) => `Gözləmə siyahısı, ${n} nömrə: ${c}`,
  waitlistedIntro: (c, n) =>
    `«${c}» kursunun sessiyasında boş yer yoxdur. Gözləmə siyahısında ${n} nömrəlisiniz.`,
  waitlistedHow: 'Yer boşaldıqda növbədə birinci olana verilir; yer sizə çatanda sizə yazacağıq.',
  promotedSubject: (c) => `Sizə yer ayrıldı: ${c}`,
  promotedIntro: (c) =>
    `«${c}» kursunun sessiyasında yer boşaldı və o artıq sizindir: gözləmə siyahısından sessiyanın iştirakçıları sırasına keçdiniz.`,
  withdrawnSubject: (c) => `Qeydiyyat ləğv edildi: ${c}`,
  withdrawnIntro: (c, waitlisted) =>
    waitlisted
      ? `«${c}» kursunun sessiyası üzrə gözləmə siyahısındakı yeriniz ləğv edildi.`
      : `«${c}» kursunun sessiyasında qeydiyyatınız ləğv edildi.`,
  withdrawnAgain:
    'Bu səhvən baş veribsə, qeydiyyat açıq olduğu müddətdə sessiya səhifəsində yenidən yazıla bilərsiniz.',
  changedSubject: (c) => `Sessiyada dəyişiklik: ${c}`,
  changedIntro: (c, waitlisted) =>
    waitlisted
      ? `Gözləmə siyahısında olduğunuz «${c}» kursunun sessiyasında dəyişiklik edilib:`
      : `Yazıldığınız «${c}» kursunun sessiyasında dəyişiklik edilib:`,
  datesChanged: (before, after) => `Tarixlər: əvvəl ${before} idi, indi ${after}.`,
  venueChanged: (before, after) => `Yer: əvvəl ${before} idi, indi ${after}.`,
  instructorAssigned: (name, role) => `Sessiyaya ${role} təyin edilib: ${name}.`,
  instructorRemoved: (name, role) => `${name} (${role}) artıq bu sessiyada dərs demir.`,
  changedCalendar: 'Əlavə edilmiş təqvim faylı (session.ics) sessiyanı təqviminizdə yeniləyir.',
  cancelledSubject: (c) => `Sessiya ləğv edildi: ${c}`,
  cancelledIntro: (c, dates) =>
    `«${c}» kursunun ${dates} tarixlərinə planlaşdırılmış sessiyası ləğv edildi.`,
  cancelledEnded: (waitlisted) =>
    waitlisted
      ? 'Onun gözləmə siyahısındakı yeriniz bununla başa çatdı.'
      : 'Bu sessiyaya qeydiyyatınız bununla başa çatdı.',
  cancelledNext: 'Kursun digər sessiyalarını kataloqda tapa bilərsiniz.',
  cancelledCalendar:
    'Əlavə edilmiş təqvim faylı (session.ics) sessiyanı təqviminizdə ləğv edilmiş kimi qeyd edir.',
  reminderSubject: (c, when) => `Xatırlatma: «${c}» ${when} başlayır`,
  reminderIntro: (c, when, startsOn) =>
    `«${c}» kursunun sessiyası ${when}, ${startsOn} tarixində başlayır.`,
  calendarAttached: 'Əlavə edilmiş təqvim faylı (session.ics) sessiyanı təqviminizə əlavə edir.',
  when: (n) => (n <= 0 ? 'bu gün' : n === 1 ? 'sabah' : `${n} gün sonra`),
};

const RU: Words = {
  course: 'Курс',
  dates: 'Даты',
  venue: 'Место проведения',
  instructions: 'Инструкции для участников',
  instructors: 'Инструкторы',
  waitlistPlace: 'Номер в листе ожидания',
  viewSession: 'Открыть страницу сессии',
  viewCatalogue: 'Открыть каталог курсов',
  withdrawHint:
    'Если вы не сможете прийти, отмените запись на странице сессии, чтобы ваше место досталось следующему в листе ожидания.',
  confirmedSubject: (c) => `Запись подтверждена: ${c}`,
  confirmedIntro: (c) => `Вы записаны на сессию курса «${c}», место за вами.`,
  waitlistedSubject: (c, n) => `Лист ожидания, номер ${n}: ${c}`,
  waitlistedIntro: (c, n) =>
    `Свободных мест на сессии курса «${c}» нет. Ваш номер в листе ожидания: ${n}.`,
  waitlistedHow:
    'Освободившееся место получает первый в очереди; когда оно достанется вам, мы вам напишем.',
  promotedSubject: (c) => `Место ваше: ${c}`,
  promotedIntro: (c) =>
    `На сессии курса «${c}» освободилось место, и теперь оно ваше: вы переведены из листа ожидания в число участников.`,
  withdrawnSubject: (c) => `Запись отменена: ${c}`,
  withdrawnIntro: (c, waitlisted) =>
    waitlisted
      ? `Ваше место в листе ожидания сессии курса «${c}» отменено.`
      : `Ваша запись на сессию курса «${c}» отменена.`,
  withdrawnAgain:
    'Если это произошло по ошибке, вы можете снова записаться на странице сессии, пока запись открыта.',
  changedSubject: (c) => `Изменения в сессии: ${c}`,
  changedIntro: (c, waitlisted) =>
    waitlisted
      ? `В сессии курса «${c}», в листе ожидания которой вы находитесь, произошли изменения:`
      : `В сессии курса «${c}», на которую вы записаны, произошли изменения:`,
  datesChanged: (before, after) => `Даты: были ${before}, теперь ${after}.`,
  venueChanged: (before, after) => `Место проведения: было «${before}», теперь «${after}».`,
  instructorAssigned: (name, role) => `На сессию назначен ${role}: ${name}.`,
  instructorRemoved: (name, role) => `${name} (${role}) больше не ведёт эту сессию.`,
  changedCalendar: 'Приложенный файл календаря (session.ics) обновит сессию в вашем календаре.',
  cancelledSubject: (c) => `Сессия отменена: ${c}`,
  cancelledIntro: (c, dates) => `Сессия курса «${c}», запланированная на ${dates}, отменена.`,
  cancelledEnded: (waitlisted) =>
    waitlisted
      ? 'Ваше место в её листе ожидания аннулировано.'
      : 'Ваша запись на неё аннулирована.',
  cancelledNext: 'Другие сессии этого курса можно найти в каталоге.',
  cancelledCalendar:
    'Приложенный файл календаря (session.ics) отметит сессию в вашем календаре как отменённую.',
  reminderSubject: (c, when) => `Напоминание: «${c}» начинается ${when}`,
  reminderIntro: (c, when, startsOn) => `Сессия курса «${c}» начинается ${when}, ${startsOn}.`,
  calendarAttached: 'Приложенный файл календаря (session.ics) добавит сессию в ваш календарь.',
  when: (n) =>
    n <= 0 ? 'сегодня' : n === 1 ? 'завтра' : `через ${n} ${ruPlural(n, 'день', 'дня', 'дней')}`,
};

const WORDS: Record<Lang, Words> = { en: EN, az: AZ, ru: RU };

/** Russian noun forms after a number: 1 день, 2 дня, 5 дней (Intl's plural rules). */
export function ruPlural(n: number, one: string, few: string, many: string): string {
  const category = pluralCategory('ru', n);
  return category === 'one' ? one : category === 'few' ? few : many;
}

/** A param as text; a missing one is empty rather than "undefined". */
export const text = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';

export const count = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : 0;

/** "EOD-1 Explosive Ordnance Disposal Level 1". */
export function courseName(params: { courseCode?: unknown; courseTitle?: unknown }): string {
  return [text(params.courseCode), text(params.courseTitle)].filter(Boolean).join(' ');
}

/** "2026-12-07 – 2026-12-11", or the one day. */
export function dateRange(startsOn: unknown, endsOn: unknown): string {
  const from = text(startsOn);
  const to = text(endsOn);
  return !to || to === from ? from : `${from} – ${to}`;
}

type Fact = [label: string, value: string];

/** The session's course, dates, venue and joining instructions, as the facts of a message. */
export function sessionFacts(
  params: Record<string, unknown>,
  lang: Lang,
  options: { instructions?: boolean } = {},
): Fact[] {
  const w = WORDS[lang];
  const facts: Fact[] = [
    [w.course, courseName(params)],
    [w.dates, dateRange(params.startsOn, params.endsOn)],
    [w.venue, text(params.location)],
  ];
  const instructions = text(params.joiningInstructions).trim();
  if (options.instructions !== false && instructions) facts.push([w.instructions, instructions]);
  return facts.filter(([, value]) => value !== '');
}

function sessionAction(params: Record<string, unknown>, lang: Lang): MailContent['action'] {
  const url = text(params.sessionUrl);
  return url ? { label: WORDS[lang].viewSession, url } : undefined;
}

const greeting = (params: Record<string, unknown>) => text(params.name) || null;

function confirmed(params: Record<string, unknown>, lang: Lang): MailContent {
  const w = WORDS[lang];
  const c = courseName(params);
  return {
    subject: w.confirmedSubject(c),
    greetingName: greeting(params),
    paragraphs: [w.confirmedIntro(c)],
    facts: sessionFacts(params, lang),
    action: sessionAction(params, lang),
    notes: [w.calendarAttached, w.withdrawHint],
  };
}

function waitlisted(params: Record<string, unknown>, lang: Lang): MailContent {
  const w = WORDS[lang];
  const c = courseName(params);
  const position = count(params.position);
  return {
    subject: w.waitlistedSubject(c, position),
    greetingName: greeting(params),
    paragraphs: [w.waitlistedIntro(c, position), w.waitlistedHow],
    facts: [
      ...sessionFacts(params, lang, { instructions: false }),
      [w.waitlistPlace, String(position)],
    ],
    action: sessionAction(params, lang),
  };
}

function promoted(params: Record<string, unknown>, lang: Lang): MailContent {
  const w = WORDS[lang];
  const c = courseName(params);
  return {
    subject: w.promotedSubject(c),
    greetingName: greeting(params),
    paragraphs: [w.promotedIntro(c)],
    facts: sessionFacts(params, lang),
    action: sessionAction(params, lang),
    notes: [w.calendarAttached, w.withdrawHint],
  };
}

function withdrawn(params: Record<string, unknown>, lang: Lang): MailContent {
  const w = WORDS[lang];
  const c = courseName(params);
  return {
    subject: w.withdrawnSubject(c),
    greetingName: greeting(params),
    paragraphs: [w.withdrawnIntro(c, params.wasWaitlisted === true)],
    facts: sessionFacts(params, lang, { instructions: false }),
    action: sessionAction(params, lang),
    notes: [w.withdrawnAgain],
  };
}

function changeLine(change: SessionChange, lang: Lang): string {
  const w = WORDS[lang];
  switch (change.kind) {
    case 'dates':
      return w.datesChanged(
        dateRange(change.before.startsOn, change.before.endsOn),
        dateRange(change.after.startsOn, change.after.endsOn),
      );
    case 'location':
      return w.venueChanged(change.before, change.after);
    case 'instructor': {
      const role = t(lang, `instructorRole.${change.role}`).toLocaleLowerCase(lang);
      return change.action === 'assigned'
        ? w.instructorAssigned(change.instructorName, role)
        : w.instructorRemoved(change.instructorName, role);
    }
  }
}

function isChange(value: unknown): value is SessionChange {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'dates' || kind === 'location' || kind === 'instructor';
}

function changed(params: Record<string, unknown>, lang: Lang): MailContent {
  const w = WORDS[lang];
  const c = courseName(params);
  const changes = (Array.isArray(params.changes) ? params.changes : []).filter(isChange);
  const movedDates = changes.some((change) => change.kind !== 'instructor');
  return {
    subject: w.changedSubject(c),
    greetingName: greeting(params),
    paragraphs: [
      w.changedIntro(c, params.waitlisted === true),
      changes.map((change) => `• ${changeLine(change, lang)}`).join('\n'),
    ].filter(Boolean),
    facts: sessionFacts(params, lang),
    action: sessionAction(params, lang),
    notes: movedDates ? [w.changedCalendar] : [],
  };
}

function cancelled(params: Record<string, unknown>, lang: Lang): MailContent {
  const w = WORDS[lang];
  const c = courseName(params);
  const url = text(params.catalogueUrl);
  return {
    subject: w.cancelledSubject(c),
    greetingName: greeting(params),
    paragraphs: [
      w.cancelledIntro(c, dateRange(params.startsOn, params.endsOn)),
      w.cancelledEnded(params.wasWaitlisted === true),
      w.cancelledNext,
    ],
    facts: sessionFacts(params, lang, { instructions: false }),
    action: url ? { label: w.viewCatalogue, url } : undefined,
    notes: [w.cancelledCalendar],
  };
}

function reminder(params: Record<string, unknown>, lang: Lang): MailContent {
  const w = WORDS[lang];
  const c = courseName(params);
  const when = w.when(count(params.daysLeft));
  const instructors = (Array.isArray(params.instructors) ? params.instructors : [])
    .map(text)
    .filter(Boolean);
  return {
    subject: w.reminderSubject(c, when),
    greetingName: greeting(params),
    paragraphs: [w.reminderIntro(c, when, text(params.startsOn))],
    facts: [
      ...sessionFacts(params, lang),
      ...(instructors.length ? ([[w.instructors, instructors.join(', ')]] as Fact[]) : []),
    ],
    action: sessionAction(params, lang),
    notes: [w.calendarAttached, w.withdrawHint],
  };
}

export const ENROLMENT_TEMPLATES: TemplateSet = {
  'enrolment.confirmed': confirmed,
  'enrolment.waitlisted': waitlisted,
  'enrolment.promoted': promoted,
  'enrolment.withdrawn': withdrawn,
  'session.changed': changed,
  'session.cancelled': cancelled,
  'session.reminder': reminder,
};
