/**
 * The web pages' languages and messages. English is the reference: its keys define
 * `MessageKey`, and the other languages must translate every one of them (the compiler
 * and a unit test both check). Dates are never localised: pages show `YYYY-MM-DD`, which
 * reads the same in all three languages.
 */
export const LANGUAGES = ['en', 'az', 'ru'] as const;
export type Lang = (typeof LANGUAGES)[number];

/** Each language named in itself, for the language switch. */
export const LANGUAGE_NAMES: Record<Lang, string> = {
  en: 'English',
  az: 'Azərbaycanca',
  ru: 'Русский',
};

const en = {
  'nav.language': 'Language',
  'verify.title': 'Certificate verification',
  'verdict.active': 'VALID',
  'verdict.active.detail': 'This certificate is active.',
  'verdict.expired': 'EXPIRED',
  'verdict.expired.detail':
    'It was valid until {date} and is no longer valid. Ask for a current certificate.',
  'verdict.expired.detailNoDate':
    'This certificate is no longer valid. Ask for a current certificate.',
  'verdict.suspended': 'SUSPENDED',
  'verdict.suspended.detail':
    'This certificate is temporarily suspended and is not valid now. Do not accept it.',
  'verdict.revoked': 'REVOKED',
  'verdict.revoked.detail': 'Do not accept. This certificate has been withdrawn for good.',
  'verdict.superseded': 'SUPERSEDED',
  'verdict.superseded.detail': 'Replaced by a renewal. Ask for the current certificate.',
  'verdict.not_found': 'NOT FOUND',
  'verdict.not_found.detail': 'No certificate with this number. Check the number; do not accept.',
  'verdict.invalid': 'NOT VALID',
  'verdict.invalid.detail': 'This certificate is not valid. Do not accept it.',
  'field.reason': 'Reason',
  'field.course': 'Course',
  'field.holder': 'Holder',
  'field.issuedAt': 'Issued on',
  'field.validUntil': 'Valid until',
  'field.issuer': 'Issued by',
  'field.serial': 'Certificate number',
  'value.neverExpires': 'Does not expire',
  'hint.identity': "Compare the name with the holder's identity document.",
  'check.heading': 'Check another certificate',
  'check.hint': 'As printed on the certificate, for example:',
  'check.submit': 'Check',
  'reason.issued_in_error': 'Issued in error',
  'reason.fraud_or_misconduct': 'Fraud or misconduct',
  'reason.assessment_invalidated': 'Assessment results invalidated',
  'reason.safety_breach': 'Safety breach',
  'reason.qa_finding': 'Quality assurance finding',
  'reason.medical_unfit': 'Medically unfit',
  'reason.voluntary_surrender': 'Voluntarily surrendered',
  'reason.deceased': 'Holder deceased',
  'reason.other': 'Other reason',
} as const;

export type MessageKey = keyof typeof en;
type Messages = Readonly<Record<MessageKey, string>>;

const az: Messages = {
  'nav.language': 'Dil',
  'verify.title': 'Sertifikatın yoxlanılması',
  'verdict.active': 'ETİBARLIDIR',
  'verdict.active.detail': 'Bu sertifikat qüvvədədir.',
  'verdict.expired': 'MÜDDƏTİ BİTİB',
  'verdict.expired.detail':
    '{date} tarixinədək qüvvədə olub və artıq etibarlı deyil. Qüvvədə olan sertifikatı tələb edin.',
  'verdict.expired.detailNoDate':
    'Bu sertifikat artıq etibarlı deyil. Qüvvədə olan sertifikatı tələb edin.',
  'verdict.suspended': 'DAYANDIRILIB',
  'verdict.suspended.detail':
    'Bu sertifikatın qüvvəsi müvəqqəti dayandırılıb və hazırda etibarlı deyil. Qəbul etməyin.',
  'verdict.revoked': 'LƏĞV EDİLİB',
  'verdict.revoked.detail': 'Qəbul etməyin. Bu sertifikat birdəfəlik ləğv edilib.',
  'verdict.superseded': 'ƏVƏZ EDİLİB',
  'verdict.superseded.detail':
    'Yenilənmiş sertifikatla əvəz edilib. Qüvvədə olan sertifikatı tələb edin.',
  'verdict.not_found': 'TAPILMADI',
  'verdict.not_found.detail': 'Bu nömrə ilə sertifikat yoxdur. Nömrəni yoxlayın; qəbul etməyin.',
  'verdict.invalid': 'ETİBARSIZDIR',
  'verdict.invalid.detail': 'Bu sertifikat etibarlı deyil. Qəbul etməyin.',
  'field.reason': 'Səbəb',
  'field.course': 'Kurs',
  'field.holder': 'Sahibi',
  'field.issuedAt': 'Verilmə tarixi',
  'field.validUntil': 'Etibarlılıq müddəti',
  'field.issuer': 'Verən təşkilat',
  'field.serial': 'Sertifikatın nömrəsi',
  'value.neverExpires': 'Müddətsiz',
  'hint.identity': 'Adı sahibin şəxsiyyət sənədi ilə tutuşdurun.',
  'check.heading': 'Başqa sertifikatı yoxlayın',
  'check.hint': 'Sertifikatda yazıldığı kimi, məsələn:',
  'check.submit': 'Yoxla',
  'reason.issued_in_error': 'Səhvən verilib',
  'reason.fraud_or_misconduct': 'Saxtakarlıq və ya intizam pozuntusu',
  'reason.assessment_invalidated': 'Qiymətləndirmənin nəticələri etibarsız sayılıb',
  'reason.safety_breach': 'Təhlükəsizlik qaydalarının pozulması',
  'reason.qa_finding': 'Keyfiyyətə nəzarət yoxlamasının nəticəsi',
  'reason.medical_unfit': 'Səhhətinə görə yararsızdır',
  'reason.voluntary_surrender': 'Sahibi könüllü imtina edib',
  'reason.deceased': 'Sahibi vəfat edib',
  'reason.other': 'Digər səbəb',
};

const ru: Messages = {
  'nav.language': 'Язык',
  'verify.title': 'Проверка сертификата',
  'verdict.active': 'ДЕЙСТВИТЕЛЕН',
  'verdict.active.detail': 'Этот сертификат действует.',
  'verdict.expired': 'СРОК ИСТЁК',
  'verdict.expired.detail':
    'Действовал до {date} включительно и больше не действителен. Попросите предъявить действующий сертификат.',
  'verdict.expired.detailNoDate':
    'Этот сертификат больше не действителен. Попросите предъявить действующий сертификат.',
  'verdict.suspended': 'ПРИОСТАНОВЛЕН',
  'verdict.suspended.detail':
    'Действие сертификата временно приостановлено, сейчас он недействителен. Не принимайте его.',
  'verdict.revoked': 'АННУЛИРОВАН',
  'verdict.revoked.detail': 'Не принимайте. Этот сертификат аннулирован окончательно.',
  'verdict.superseded': 'ЗАМЕНЁН',
  'verdict.superseded.detail':
    'Заменён новым сертификатом после продления. Попросите предъявить действующий сертификат.',
  'verdict.not_found': 'НЕ НАЙДЕН',
  'verdict.not_found.detail': 'Сертификата с таким номером нет. Проверьте номер; не принимайте.',
  'verdict.invalid': 'НЕДЕЙСТВИТЕЛЕН',
  'verdict.invalid.detail': 'Этот сертификат недействителен. Не принимайте его.',
  'field.reason': 'Причина',
  'field.course': 'Курс',
  'field.holder': 'Владелец',
  'field.issuedAt': 'Дата выдачи',
  'field.validUntil': 'Действителен до',
  'field.issuer': 'Кем выдан',
  'field.serial': 'Номер сертификата',
  'value.neverExpires': 'Бессрочно',
  'hint.identity': 'Сверьте имя с документом, удостоверяющим личность владельца.',
  'check.heading': 'Проверить другой сертификат',
  'check.hint': 'Как указано в сертификате, например:',
  'check.submit': 'Проверить',
  'reason.issued_in_error': 'Выдан по ошибке',
  'reason.fraud_or_misconduct': 'Мошенничество или нарушение правил',
  'reason.assessment_invalidated': 'Результаты аттестации признаны недействительными',
  'reason.safety_breach': 'Нарушение требований безопасности',
  'reason.qa_finding': 'По результатам проверки контроля качества',
  'reason.medical_unfit': 'Непригоден по состоянию здоровья',
  'reason.voluntary_surrender': 'Добровольный отказ владельца',
  'reason.deceased': 'Владелец скончался',
  'reason.other': 'Иная причина',
};

export const MESSAGES: Readonly<Record<Lang, Messages>> = { en, az, ru };

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Replaces `{name}` with params.name; an unknown placeholder stays visible rather than vanishing. */
export function t(lang: Lang, key: MessageKey, params?: Record<string, string>): string {
  const message = MESSAGES[lang][key];
  if (!params) return message;
  return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? params[name] : whole,
  );
}

// Real browsers send a handful of entries; a longer header is not worth parsing.
const MAX_ACCEPT_LANGUAGE = 512;

/** `?lang=` wins when it names a language we have; then Accept-Language by q-value; then English. */
export function pickLanguage(queryLang: unknown, acceptLanguage: string | undefined): Lang {
  const fromQuery = typeof queryLang === 'string' ? queryLang.trim().toLowerCase() : undefined;
  if (isLang(fromQuery)) return fromQuery;
  return fromAcceptLanguage(acceptLanguage) ?? 'en';
}

function fromAcceptLanguage(header: string | undefined): Lang | undefined {
  if (typeof header !== 'string') return undefined;
  const ranges = header
    .slice(0, MAX_ACCEPT_LANGUAGE)
    .split(',')
    .map((part, order) => {
      const [tag, ...params] = part.trim().split(';');
      // A region or script (az-AZ, az-Latn-AZ, ru-RU) still names the language.
      const primary = tag.trim().toLowerCase().split('-')[0];
      return { primary, q: quality(params), order };
    })
    .filter((r) => r.q > 0)
    // Stable by header order when q-values tie, as the client listed them.
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return ranges.map((r) => r.primary).find(isLang);
}

/** The q parameter, 1 when absent; a malformed one counts as "not acceptable". */
function quality(params: string[]): number {
  const q = params.find((p) => /^\s*q\s*=/i.test(p));
  if (q === undefined) return 1;
  const m = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(q);
  return m ? Math.min(Number(m[1]), 1) : 0;
}
