import type { Lang } from '../../web/i18n.js';
import { count, courseName, dateRange, ruPlural, text } from './enrolment.js';
import type { MailContent, TemplateSet } from './template.js';

/*
 * Reminders that something lapses, sent by the daily scan (src/jobs). Params:
 *   certificate.expiring        {name?, serial, courseCode, courseTitle, validUntil, daysLeft,
 *                                certificateUrl, sessions: NextSession[], catalogueUrl}
 *   organisation.expiry_digest  {organisationName, withinDays, total, items: DigestItem[],
 *                                catalogueUrl}
 *   qualification.expiring      {name?, courseCode, courseTitle, validUntil, daysLeft,
 *                                instructorUrl}
 * `validUntil` is the last valid day; `daysLeft` counts from today in the Center's time zone.
 */

/** A session open for enrolment that renews the certificate (a refresher, or the course again). */
export interface NextSession {
  courseCode: string;
  courseTitle: string;
  startsOn: string;
  endsOn: string;
  location: string;
  url: string;
}

export interface DigestItem {
  holderName: string;
  serial: string;
  courseCode: string;
  courseTitle: string;
  validUntil: string;
}

/** Lines a digest lists before "and N more": a mail, not a report (the report has them all). */
export const DIGEST_MAX_ITEMS = 200;

interface Words {
  serial: string;
  course: string;
  validUntil: string;
  expiringSubject: (course: string, validUntil: string) => string;
  expiringIntro: (course: string, validUntil: string, daysLeft: number) => string;
  expiringRenew: string;
  expiringSessions: string;
  expiringNoSessions: string;
  viewSession: string;
  viewCatalogue: string;
  digestSubject: (organisation: string, total: number, withinDays: number) => string;
  digestIntro: (organisation: string, total: number, withinDays: number) => string;
  digestMore: (more: number) => string;
  digestHow: string;
  qualificationSubject: (course: string, validUntil: string) => string;
  qualificationIntro: (course: string, validUntil: string, daysLeft: number) => string;
  qualificationAfter: string;
  viewRecord: string;
}

const EN: Words = {
  serial: 'Certificate number',
  course: 'Course',
  validUntil: 'Valid until',
  expiringSubject: (c, d) => `Your certificate in ${c} expires on ${d}`,
  expiringIntro: (c, d, n) =>
    `Your certificate in ${c} is valid until ${d} (${n} ${n === 1 ? 'day' : 'days'} from today).`,
  expiringRenew:
    'To stay qualified, take a session that renews it before then: the new certificate replaces this one.',
  expiringSessions: 'Sessions open for enrolment that renew it:',
  expiringNoSessions:
    'No session that renews it is open for enrolment yet; new ones appear in the course catalogue as soon as they open.',
  viewSession: 'View the next session',
  viewCatalogue: 'Open the course catalogue',
  digestSubject: (org, n, days) => `Certificates expiring within ${days} days: ${org} (${n})`,
  digestIntro: (org, n, days) =>
    `${n} ${n === 1 ? 'certificate' : 'certificates'} held by people of ${org} ${n === 1 ? 'expires' : 'expire'} within the next ${days} days:`,
  digestMore: (n) => `…and ${n} more.`,
  digestHow:
    'Sessions that renew them are listed in the course catalogue. The Center sends this summary once a week while there are certificates to report.',
  qualificationSubject: (c, d) => `Your qualification to teach ${c} ends on ${d}`,
  qualificationIntro: (c, d, n) =>
    `Your qualification to teach ${c} is valid until ${d} (${n} ${n === 1 ? 'day' : 'days'} from today).`,
  qualificationAfter:
    'After that day you can no longer be assigned to sessions of the course or issue its certificates. Ask the Center to renew it in good time.',
  viewRecord: 'View your record',
};

const AZ: Words = {
  serial: 'Sertifikatın nömrəsi',
  course: 'Kurs',
  validUntil: 'Etibarlılıq müddəti',
  expiringSubject: (c, d) => `«${c}» kursu üzrə sertifikatınızın müddəti ${d} tarixində bitir`,
  expiringIntro: (c, d, n) =>
    `«${c}» kursu üzrə sertifikatınız ${d} tarixinədək etibarlıdır (bu gündən ${n} gün).`,
  expiringRenew:
    'İxtisasınızı saxlamaq üçün həmin tarixədək onu yeniləyən sessiyada iştirak edin: yeni sertifikat bunu əvəz edəcək.',
  expiringSessions: 'Onu yeniləyən və qeydiyyatı açıq olan sessiyalar:',
  expiringNoSessions:
    'Hələlik onu yeniləyən və qeydiyyatı açıq olan sessiya yoxdur; yeni sessiyalar açılan kimi kurs kataloqunda görünəcək.',
  viewSession: 'Növbəti sessiyaya baxın',
  viewCatalogue: 'Kurs kataloquna keçin',
  digestSubject: (org, n, days) => `Müddəti ${days} gün ərzində bitən sertifikatlar: ${org} (${n})`,
  digestIntro: (org, n, days) =>
    `«${org}» təşkilatının əməkdaşlarına məxsus ${n} sertifikatın müddəti növbəti ${days} gün ərzində bitir:`,
  digestMore: (n) => `…və daha ${n} sertifikat.`,
  digestHow:
    'Onları yeniləyən sessiyalar kurs kataloqunda göstərilir. Bildiriləcək sertifikat olduqca Mərkəz bu xülasəni həftədə bir dəfə göndərir.',
  qualificationSubject: (c, d) =>
    `«${c}» kursunu tədris etmək üçün ixtisasınızın müddəti ${d} tarixində bitir`,
  qualificationIntro: (c, d, n) =>
    `«${c}» kursunu tədris etmək üçün ixtisasınız ${d} tarixinədək etibarlıdır (bu gündən ${n} gün).`,
  qualificationAfter:
    'Həmin gündən sonra bu kursun sessiyalarına təyin oluna və onun sertifikatlarını verə bilməyəcəksiniz. Onu vaxtında yeniləmək üçün Mərkəzə müraciət edin.',
  viewRecord: 'Məlumatlarınıza baxın',
};

const RU: Words = {
  serial: 'Номер сертификата',
  course: 'Курс',
  validUntil: 'Действителен до',
  expiringSubject: (c, d) => `Срок действия вашего сертификата по курсу «${c}» истекает ${d}`,
  expiringIntro: (c, d, n) => `Ваш сертификат по курсу «${c}» действителен до ${d} (${ruLeft(n)}).`,
  expiringRenew:
    'Чтобы сохранить квалификацию, пройдите до этой даты сессию, которая его продлевает: новый сертификат заменит нынешний.',
  expiringSessions: 'Сессии с открытой записью, которые его продлевают:',
  expiringNoSessions:
    'Пока нет сессий с открытой записью, которые его продлевают; новые появятся в каталоге курсов, как только откроется запись.',
  viewSession: 'Открыть ближайшую сессию',
  viewCatalogue: 'Открыть каталог курсов',
  digestSubject: (org, n, days) =>
    `Сертификаты, истекающие в ближайшие ${days} ${ruPlural(days, 'день', 'дня', 'дней')}: ${org} (${n})`,
  digestIntro: (org, n, days) =>
    `У сотрудников организации «${org}» в ближайшие ${days} ${ruPlural(days, 'день', 'дня', 'дней')} истекает срок действия ${n} ${ruPlural(n, 'сертификата', 'сертификатов', 'сертификатов')}:`,
  digestMore: (n) => `…и ещё ${n}.`,
  digestHow:
    'Сессии, которые их продлевают, есть в каталоге курсов. Центр присылает эту сводку раз в неделю, пока есть о чём сообщить.',
  qualificationSubject: (c, d) => `Ваша квалификация для преподавания курса «${c}» истекает ${d}`,
  qualificationIntro: (c, d, n) =>
    `Ваша квалификация для преподавания курса «${c}» действительна до ${d} (${ruLeft(n)}).`,
  qualificationAfter:
    'После этой даты вас нельзя будет назначать на сессии этого курса, и вы не сможете выдавать по нему сертификаты. Обратитесь в Центр, чтобы своевременно её продлить.',
  viewRecord: 'Открыть вашу карточку',
};

/** "остался 21 день", "осталось 3 дня", "осталось 30 дней". */
function ruLeft(n: number): string {
  const verb = ruPlural(n, 'остался', 'осталось', 'осталось');
  return `${verb} ${n} ${ruPlural(n, 'день', 'дня', 'дней')}`;
}

const WORDS: Record<Lang, Words> = { en: EN, az: AZ, ru: RU };

type Fact = [label: string, value: string];

const greeting = (params: Record<string, unknown>) => text(params.name) || null;

function isNextSession(value: unknown): value is NextSession {
  return typeof value === 'object' && value !== null && 'startsOn' in value && 'url' in value;
}

function isDigestItem(value: unknown): value is DigestItem {
  return typeof value === 'object' && value !== null && 'serial' in value && 'validUntil' in value;
}

function sessionLine(s: NextSession): string {
  return `• ${dateRange(s.startsOn, s.endsOn)}, ${courseName(s)}, ${text(s.location)}`;
}

function certificateExpiring(params: Record<string, unknown>, lang: Lang): MailContent {
  const w = WORDS[lang];
  const c = courseName(params);
  const validUntil = text(params.validUntil);
  const sessions = (Array.isArray(params.sessions) ? params.sessions : []).filter(isNextSession);
  const first = sessions[0];
  const catalogueUrl = text(params.catalogueUrl);
  const facts: Fact[] = (
    [
      [w.serial, text(params.serial)],
      [w.course, c],
      [w.validUntil, validUntil],
    ] as Fact[]
  ).filter(([, v]) => v !== '');
  return {
    subject: w.expiringSubject(c, validUntil),
    greetingName: greeting(params),
    paragraphs: [
      w.expiringIntro(c, validUntil, count(params.daysLeft)),
      w.expiringRenew,
      sessions.length
        ? [w.expiringSessions, ...sessions.map(sessionLine)].join('\n')
        : w.expiringNoSessions,
    ],
    facts,
    action: first
      ? { label: w.viewSession, url: text(first.url) }
      : catalogueUrl
        ? { label: w.viewCatalogue, url: catalogueUrl }
        : undefined,
  };
}

function expiryDigest(params: Record<string, unknown>, lang: Lang): MailContent {
  const w = WORDS[lang];
  const organisation = text(params.organisationName);
  const items = (Array.isArray(params.items) ? params.items : [])
    .filter(isDigestItem)
    .slice(0, DIGEST_MAX_ITEMS);
  const total = Math.max(count(params.total), items.length);
  const withinDays = count(params.withinDays) || 90;
  const lines = items.map(
    (i) => `• ${text(i.validUntil)}  ${text(i.holderName)}: ${courseName(i)} (${text(i.serial)})`,
  );
  if (total > items.length) lines.push(w.digestMore(total - items.length));
  const catalogueUrl = text(params.catalogueUrl);
  return {
    subject: w.digestSubject(organisation, total, withinDays),
    // Written to an organisation's address, not to a person: no name in the greeting.
    greetingName: null,
    paragraphs: [w.digestIntro(organisation, total, withinDays), lines.join('\n'), w.digestHow],
    action: catalogueUrl ? { label: w.viewCatalogue, url: catalogueUrl } : undefined,
  };
}

function qualificationExpiring(params: Record<string, unknown>, lang: Lang): MailContent {
  const w = WORDS[lang];
  const c = courseName(params);
  const validUntil = text(params.validUntil);
  const url = text(params.instructorUrl);
  return {
    subject: w.qualificationSubject(c, validUntil),
    greetingName: greeting(params),
    paragraphs: [w.qualificationIntro(c, validUntil, count(params.daysLeft)), w.qualificationAfter],
    facts: [
      [w.course, c],
      [w.validUntil, validUntil],
    ],
    action: url ? { label: w.viewRecord, url } : undefined,
  };
}

export const EXPIRY_TEMPLATES: TemplateSet = {
  'certificate.expiring': certificateExpiring,
  'organisation.expiry_digest': expiryDigest,
  'qualification.expiring': qualificationExpiring,
};
