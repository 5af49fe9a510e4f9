import { ROLES, type Role } from '../../common/roles.js';
import { t, type Lang } from '../../web/i18n.js';
import type { MailContent, TemplateSet } from './template.js';

/*
 * Security mail: an invitation to choose a password, and a password reset link. Sent whatever
 * the person's reminder preference. Params (`name`: the person's, for the greeting, if known):
 *   account.invitation      {link, expiresAt (ISO 8601), invitedBy?: email, roles: Role[], name?}
 *   account.password_reset  {link, expiresAt (ISO 8601), name?}
 * Times are written `YYYY-MM-DD HH:MM UTC` in every language, like the pages.
 */

interface Words {
  invitationSubject: string;
  invitationIntro: (invitedBy: string | null) => string;
  invitationRoles: string;
  invitationAction: string;
  invitationHow: string;
  resetSubject: string;
  resetIntro: string;
  resetAction: string;
  resetSessions: string;
  validUntil: string;
  singleUse: string;
  notYou: string;
  resetNotYou: string;
}

const EN: Words = {
  invitationSubject: 'Your account: choose a password',
  invitationIntro: (by) =>
    by
      ? `${by} has opened an account for you in the Center’s training and certification service.`
      : 'An account has been opened for you in the Center’s training and certification service.',
  invitationRoles: 'Roles',
  invitationAction: 'Choose my password',
  invitationHow:
    'Choose your password with the link below; you then sign in with this email address and that password.',
  resetSubject: 'Reset your password',
  resetIntro:
    'Someone (we hope you) asked to reset the password of your account. Choose a new password with the link below.',
  resetAction: 'Choose a new password',
  resetSessions: 'Once you have chosen it, every earlier session of your account ends.',
  validUntil: 'The link works until',
  singleUse: 'The link works once. If it has expired, ask for a new one on the sign-in page.',
  notYou: 'If you did not expect this message, you can ignore it.',
  resetNotYou:
    'If you did not ask for this, ignore this message: your password stays as it is. Tell the Center if it happens again.',
};

const AZ: Words = {
  invitationSubject: 'Hesabınız: şifrə seçin',
  invitationIntro: (by) =>
    by
      ? `${by} sizin üçün Mərkəzin təlim və sertifikatlaşdırma xidmətində hesab açıb.`
      : 'Sizin üçün Mərkəzin təlim və sertifikatlaşdırma xidmətində hesab açılıb.',
  invitationRoles: 'Rollar',
  invitationAction: 'Şifrəmi seçim',
  invitationHow:
    'Aşağıdakı keçidlə şifrənizi seçin; sonra bu e-poçt ünvanı və həmin şifrə ilə daxil olacaqsınız.',
  resetSubject: 'Şifrənin bərpası',
  resetIntro:
    'Kimsə (ümid edirik ki, siz) hesabınızın şifrəsinin bərpasını istəyib. Aşağıdakı keçidlə yeni şifrə seçin.',
  resetAction: 'Yeni şifrə seçin',
  resetSessions: 'Yeni şifrəni seçən kimi hesabınızın bütün əvvəlki sessiyaları bitəcək.',
  validUntil: 'Keçid bu vaxtadək qüvvədədir',
  singleUse:
    'Keçiddən yalnız bir dəfə istifadə etmək olar. Müddəti bitibsə, giriş səhifəsində yenisini istəyin.',
  notYou: 'Bu məktubu gözləmirdinizsə, ona məhəl qoymaya bilərsiniz.',
  resetNotYou:
    'Bunu siz istəməmisinizsə, bu məktuba məhəl qoymayın: şifrəniz dəyişməz qalır. Bu təkrarlanarsa, Mərkəzə bildirin.',
};

const RU: Words = {
  invitationSubject: 'Ваша учётная запись: выберите пароль',
  invitationIntro: (by) =>
    by
      ? `${by} открыл(а) для вас учётную запись в службе обучения и сертификации Центра.`
      : 'Для вас открыта учётная запись в службе обучения и сертификации Центра.',
  invitationRoles: 'Роли',
  invitationAction: 'Выбрать пароль',
  invitationHow:
    'Выберите пароль по ссылке ниже; затем вы будете входить с этим адресом электронной почты и выбранным паролем.',
  resetSubject: 'Сброс пароля',
  resetIntro:
    'Кто-то (надеемся, вы) запросил сброс пароля вашей учётной записи. Выберите новый пароль по ссылке ниже.',
  resetAction: 'Выбрать новый пароль',
  resetSessions: 'Как только вы его выберете, все прежние сеансы вашей учётной записи завершатся.',
  validUntil: 'Ссылка действует до',
  singleUse:
    'Ссылкой можно воспользоваться один раз. Если её срок истёк, запросите новую на странице входа.',
  notYou: 'Если вы не ждали этого письма, просто не обращайте на него внимания.',
  resetNotYou:
    'Если вы этого не запрашивали, не обращайте внимания на это письмо: ваш пароль останется прежним. Сообщите в Центр, если это повторится.',
};

const WORDS: Record<Lang, Words> = { en: EN, az: AZ, ru: RU };

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** `2026-03-14T09:30:00.000Z` → `2026-03-14 09:30 UTC`, as the pages write times. */
function utcTime(value: unknown): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(text(value));
  return m ? `${m[1]} ${m[2]} UTC` : text(value);
}

function roleNames(value: unknown, lang: Lang): string {
  if (!Array.isArray(value)) return '';
  return value
    .filter((r): r is Role => (ROLES as readonly unknown[]).includes(r))
    .map((r) => t(lang, `role.${r}`))
    .join(', ');
}

function invitation(params: Record<string, unknown>, lang: Lang): MailContent {
  const w = WORDS[lang];
  const roles = roleNames(params.roles, lang);
  const invitedBy = text(params.invitedBy) || null;
  return {
    subject: w.invitationSubject,
    greetingName: text(params.name) || null,
    paragraphs: [w.invitationIntro(invitedBy), w.invitationHow],
    facts: [
      ...(roles ? ([[w.invitationRoles, roles]] as Array<[string, string]>) : []),
      [w.validUntil, utcTime(params.expiresAt)],
    ],
    action: { label: w.invitationAction, url: text(params.link) },
    notes: [w.singleUse, w.notYou],
  };
}

function passwordReset(params: Record<string, unknown>, lang: Lang): MailContent {
  const w = WORDS[lang];
  return {
    subject: w.resetSubject,
    greetingName: text(params.name) || null,
    paragraphs: [w.resetIntro, w.resetSessions],
    facts: [[w.validUntil, utcTime(params.expiresAt)]],
    action: { label: w.resetAction, url: text(params.link) },
    notes: [w.singleUse, w.resetNotYou],
  };
}

export const ACCOUNT_TEMPLATES: TemplateSet = {
  'account.invitation': invitation,
  'account.password_reset': passwordReset,
};
