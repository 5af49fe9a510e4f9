import { STATUS_REASONS, type StatusReason } from '../../certifications/certificate-status.js';
import { t, type Lang } from '../../web/i18n.js';
import { courseName, text } from './enrolment.js';
import type { MailContent, TemplateSet } from './template.js';

/*
 * Mail to a certificate's holder: issued, suspended, reinstated, revoked. Params
 * (CertificateParams plus):
 *   certificate.issued       —
 *   certificate.suspended    {reason, note?}
 *   certificate.reinstated   {reason, note?}
 *   certificate.revoked      {reason, note?}
 * The reason is worded as the pages word it (reason.* in src/web/messages), never the code.
 * The administrator's free note is internal and stays out of the mail, except for the reason
 * `other`, which says nothing by itself and requires the note precisely to say what happened.
 */

export interface CertificateParams {
  /** The holder's name, for the greeting. */
  name?: string | null;
  serial: string;
  courseCode: string;
  courseTitle: string;
  /** YYYY-MM-DD, the Center's day of issue. */
  issuedOn: string;
  /** The last valid day; null: never expires. */
  validUntil: string | null;
  /** {PUBLIC_BASE_URL}/verify/{serial}: anyone, no account. */
  verifyUrl: string;
  /** The certificate's page: {PUBLIC_BASE_URL}/app/certificates/{id}. */
  certificateUrl: string;
  /** {PUBLIC_BASE_URL}/api/v1/certificates/{id}/pdf (signed in). */
  pdfUrl: string;
  /** {PUBLIC_BASE_URL}/api/v1/certificates/{id}/credential (signed in). */
  credentialUrl: string;
}

export type StatusChangeParams = CertificateParams & { reason: StatusReason; note?: string | null };

interface Words {
  serial: string;
  course: string;
  issued: string;
  validUntil: string;
  neverExpires: string;
  verification: string;
  pdf: string;
  credential: string;
  reason: string;
  viewCertificate: string;
  issuedSubject: (serial: string, course: string) => string;
  issuedIntro: (course: string) => string;
  issuedVerify: string;
  issuedPdf: string;
  issuedWallet: string;
  suspendedSubject: (serial: string) => string;
  suspendedIntro: (serial: string, course: string) => string;
  suspendedMeaning: string;
  reinstatedSubject: (serial: string) => string;
  reinstatedIntro: (serial: string, course: string) => string;
  reinstatedMeaning: string;
  revokedSubject: (serial: string) => string;
  revokedIntro: (serial: string, course: string) => string;
  revokedMeaning: string;
  questions: string;
}

const EN: Words = {
  serial: 'Certificate number',
  course: 'Course',
  issued: 'Issued',
  validUntil: 'Valid until',
  neverExpires: 'Does not expire',
  verification: 'Verification',
  pdf: 'PDF',
  credential: 'Signed credential',
  reason: 'Reason',
  viewCertificate: 'View your certificate',
  issuedSubject: (serial, c) => `Your certificate ${serial}: ${c}`,
  issuedIntro: (c) => `Congratulations: you have been certified in ${c}.`,
  issuedVerify:
    'Anyone (an employer, an inspector in the field) can check that it is genuine and still valid on its verification page, without an account; the QR code on the PDF leads there too.',
  issuedPdf: 'The PDF of the certificate can be downloaded once you are signed in.',
  issuedWallet:
    'To keep it in a digital wallet: sign in, open the certificate page and choose “Signed credential”. It is a W3C Verifiable Credential (Open Badges 3.0) that wallets supporting these standards can import; once signed in, the same credential can also be downloaded from the “Signed credential” link in this message.',
  suspendedSubject: (serial) => `Certificate ${serial} suspended`,
  suspendedIntro: (serial, c) => `Your certificate ${serial} (${c}) has been suspended.`,
  suspendedMeaning:
    'While it is suspended, anyone who checks it is told it is not valid. A suspension can be lifted.',
  reinstatedSubject: (serial) => `Certificate ${serial} reinstated`,
  reinstatedIntro: (serial, c) => `Your certificate ${serial} (${c}) has been reinstated.`,
  reinstatedMeaning: 'It is valid again for anyone who checks it, until its date of expiry.',
  revokedSubject: (serial) => `Certificate ${serial} revoked`,
  revokedIntro: (serial, c) => `Your certificate ${serial} (${c}) has been revoked.`,
  revokedMeaning:
    'Revocation is final: anyone who checks the certificate is told it is revoked, and it can no longer be used as proof of the qualification.',
  questions: 'If you have questions about this decision, contact the Center.',
};

const AZ: Words = {
  serial: 'Sertifikatın nömrəsi',
  course: 'Kurs',
  issued: 'Verilib',
  validUntil: 'Etibarlılıq müddəti',
  neverExpires: 'Müddətsizdir',
  verification: 'Yoxlama',
  pdf: 'PDF',
  credential: 'İmzalanmış etimadnamə',
  reason: 'Səbəb',
  viewCertificate: 'Sertifikatınıza baxın',
  issuedSubject: (serial, c) => `Sertifikatınız ${serial}: ${c}`,
  issuedIntro: (c) => `Təbrik edirik: «${c}» kursu üzrə sertifikat aldınız.`,
  issuedVerify:
    'Hər kəs (işəgötürən, sahədəki müfəttiş) onun həqiqi və qüvvədə olduğunu hesab olmadan yoxlama səhifəsində yoxlaya bilər; PDF üzərindəki QR kod da ora aparır.',
  issuedPdf: 'Sertifikatın PDF faylını sistemə daxil olduqdan sonra yükləyə bilərsiniz.',
  issuedWallet:
    'Onu rəqəmsal pulqabında saxlamaq üçün: sistemə daxil olun, sertifikat səhifəsini açın və «İmzalanmış etimadnamə» bölməsini seçin. Bu, həmin standartları dəstəkləyən pulqabılarının qəbul etdiyi W3C Verifiable Credential (Open Badges 3.0) etimadnaməsidir; sistemə daxil olduqdan sonra eyni etimadnaməni bu məktubdakı «İmzalanmış etimadnamə» keçidindən də yükləmək olar.',
  suspendedSubject: (serial) => `${serial} nömrəli sertifikatın qüvvəsi dayandırıldı`,
  suspendedIntro: (serial, c) =>
    `${serial} nömrəli sertifikatınızın («${c}») qüvvəsi dayandırıldı.`,
  suspendedMeaning:
    'Dayandırılma müddətində onu yoxlayan hər kəsə sertifikatın etibarlı olmadığı bildirilir. Dayandırılma aradan qaldırıla bilər.',
  reinstatedSubject: (serial) => `${serial} nömrəli sertifikat bərpa edildi`,
  reinstatedIntro: (serial, c) =>
    `${serial} nömrəli sertifikatınızın («${c}») qüvvəsi bərpa edildi.`,
  reinstatedMeaning: 'Etibarlılıq müddəti bitənədək onu yoxlayan hər kəs üçün yenidən etibarlıdır.',
  revokedSubject: (serial) => `${serial} nömrəli sertifikat ləğv edildi`,
  revokedIntro: (serial, c) => `${serial} nömrəli sertifikatınız («${c}») ləğv edildi.`,
  revokedMeaning:
    'Ləğvetmə qətidir: sertifikatı yoxlayan hər kəsə onun ləğv edildiyi bildirilir və o, artıq ixtisasın sübutu kimi istifadə oluna bilməz.',
  questions: 'Bu qərarla bağlı sualınız varsa, Mərkəzə müraciət edin.',
};

const RU: Words = {
  serial: 'Номер сертификата',
  course: 'Курс',
  issued: 'Выдан',
  validUntil: 'Действителен до',
  neverExpires: 'Бессрочный',
  verification: 'Проверка',
  pdf: 'PDF',
  credential: 'Подписанное удостоверение',
  reason: 'Причина',
  viewCertificate: 'Открыть сертификат',
  issuedSubject: (serial, c) => `Ваш сертификат ${serial}: ${c}`,
  issuedIntro: (c) => `Поздравляем: вы получили сертификат по курсу «${c}».`,
  issuedVerify:
    'Любой (работодатель, инспектор на объекте) может без учётной записи проверить на странице проверки, что сертификат подлинный и действует; туда же ведёт QR-код на PDF.',
  issuedPdf: 'PDF сертификата можно скачать после входа в систему.',
  issuedWallet:
    'Чтобы хранить его в цифровом кошельке: войдите в систему, откройте страницу сертификата и выберите «Подписанное удостоверение». Это проверяемое удостоверение W3C (Verifiable Credential, Open Badges 3.0), которое принимают кошельки, поддерживающие эти стандарты; после входа в систему то же удостоверение можно скачать и по ссылке «Подписанное удостоверение» в этом письме.',
  suspendedSubject: (serial) => `Действие сертификата ${serial} приостановлено`,
  suspendedIntro: (serial, c) => `Действие вашего сертификата ${serial} («${c}») приостановлено.`,
  suspendedMeaning:
    'Пока действие приостановлено, каждому, кто проверяет сертификат, сообщается, что он недействителен. Приостановку можно снять.',
  reinstatedSubject: (serial) => `Действие сертификата ${serial} восстановлено`,
  reinstatedIntro: (serial, c) => `Действие вашего сертификата ${serial} («${c}») восстановлено.`,
  reinstatedMeaning: 'Для всех, кто его проверяет, он снова действителен до окончания срока.',
  revokedSubject: (serial) => `Сертификат ${serial} отозван`,
  revokedIntro: (serial, c) => `Ваш сертификат ${serial} («${c}») отозван.`,
  revokedMeaning:
    'Отзыв окончателен: каждому, кто проверяет сертификат, сообщается, что он отозван, и он больше не может служить подтверждением квалификации.',
  questions: 'Если у вас есть вопросы об этом решении, обратитесь в Центр.',
};

const WORDS: Record<Lang, Words> = { en: EN, az: AZ, ru: RU };

type Fact = [label: string, value: string];

function certificateFacts(params: Record<string, unknown>, lang: Lang): Fact[] {
  const w = WORDS[lang];
  const validUntil = text(params.validUntil);
  const facts: Fact[] = [
    [w.serial, text(params.serial)],
    [w.course, courseName(params)],
    [w.issued, text(params.issuedOn)],
    [w.validUntil, validUntil || w.neverExpires],
  ];
  return facts.filter(([, value]) => value !== '');
}

function isReason(value: unknown): value is StatusReason {
  return (STATUS_REASONS as readonly unknown[]).includes(value);
}

/** The reason as the pages word it; the note only where the reason is `other` (see above). */
function reasonFacts(params: Record<string, unknown>, lang: Lang): Fact[] {
  if (!isReason(params.reason)) return [];
  const worded = t(lang, `reason.${params.reason}`);
  const note = text(params.note).trim();
  return [[WORDS[lang].reason, params.reason === 'other' && note ? `${worded}: ${note}` : worded]];
}

function viewAction(params: Record<string, unknown>, lang: Lang): MailContent['action'] {
  const url = text(params.certificateUrl);
  return url ? { label: WORDS[lang].viewCertificate, url } : undefined;
}

const greeting = (params: Record<string, unknown>) => text(params.name) || null;

function issued(params: Record<string, unknown>, lang: Lang): MailContent {
  const w = WORDS[lang];
  const c = courseName(params);
  const links: Fact[] = (
    [
      [w.verification, text(params.verifyUrl)],
      [w.pdf, text(params.pdfUrl)],
      [w.credential, text(params.credentialUrl)],
    ] as Fact[]
  ).filter(([, url]) => url !== '');
  return {
    subject: w.issuedSubject(text(params.serial), c),
    greetingName: greeting(params),
    paragraphs: [w.issuedIntro(c), w.issuedVerify, w.issuedPdf],
    facts: [...certificateFacts(params, lang), ...links],
    action: viewAction(params, lang),
    notes: [w.issuedWallet],
  };
}

type StatusKind = 'suspended' | 'reinstated' | 'revoked';

const STATUS_WORDS: Record<
  StatusKind,
  (w: Words) => {
    subject: (serial: string) => string;
    intro: (serial: string, course: string) => string;
    meaning: string;
  }
> = {
  suspended: (w) => ({
    subject: w.suspendedSubject,
    intro: w.suspendedIntro,
    meaning: w.suspendedMeaning,
  }),
  reinstated: (w) => ({
    subject: w.reinstatedSubject,
    intro: w.reinstatedIntro,
    meaning: w.reinstatedMeaning,
  }),
  revoked: (w) => ({
    subject: w.revokedSubject,
    intro: w.revokedIntro,
    meaning: w.revokedMeaning,
  }),
};

function statusChange(kind: StatusKind) {
  return (params: Record<string, unknown>, lang: Lang): MailContent => {
    const w = WORDS[lang];
    const words = STATUS_WORDS[kind](w);
    const serial = text(params.serial);
    const verifyUrl = text(params.verifyUrl);
    return {
      subject: words.subject(serial),
      greetingName: greeting(params),
      paragraphs: [words.intro(serial, courseName(params)), words.meaning],
      facts: [
        ...certificateFacts(params, lang),
        ...reasonFacts(params, lang),
        ...(verifyUrl ? ([[w.verification, verifyUrl]] as Fact[]) : []),
      ],
      action: viewAction(params, lang),
      notes: [w.questions],
    };
  };
}

export const CERTIFICATE_TEMPLATES: TemplateSet = {
  'certificate.issued': issued,
  'certificate.suspended': statusChange('suspended'),
  'certificate.reinstated': statusChange('reinstated'),
  'certificate.revoked': statusChange('revoked'),
};
