import { describe, expect, it } from '@jest/globals';
import { placeholders } from '#message-format';
import { LANGUAGES, MESSAGES } from '../web/i18n.js';
import { codeMessage, localizeErrorBody, refusalMessage } from './error-messages.js';
import { ERROR_CODES, isErrorCode } from './error-codes.js';
import { badRequest, DomainError, ruleViolation } from './errors.js';
import { invalidField } from './validation.js';
import { constraintMessage } from './validation-messages.js';

const names = (text: string) => [...new Set(placeholders(text).map((p) => p.name))].sort();

describe('error codes and their messages', () => {
  it.each(LANGUAGES)('every code has a message in %s', (lang) => {
    const missing = ERROR_CODES.filter((code) => !Object.hasOwn(MESSAGES[lang], `error.${code}`));
    expect(missing).toEqual([]);
  });

  it('each language fills the same placeholders for a code (named after its details)', () => {
    const variants = [
      'MEDICAL_CLEARANCE_MISSING',
      'SESSION_STARTS_IN_PAST',
      'ALREADY_CERTIFIED_CURRENT',
      'ALREADY_CERTIFIED_PERMANENT',
    ];
    for (const code of [...ERROR_CODES, ...variants]) {
      const key = `error.${code}` as keyof (typeof MESSAGES)['en'];
      const en = names(MESSAGES.en[key]);
      for (const lang of LANGUAGES) expect([code, names(MESSAGES[lang][key])]).toEqual([code, en]);
    }
  });

  it('lists every code once', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(isErrorCode('PREREQUISITE_NOT_MET')).toBe(true);
    expect(isErrorCode('NO_SUCH_CODE')).toBe(false);
  });

  it('refuses an unknown code at type-check time', () => {
    // @ts-expect-error: a code that is not in ERROR_CODES does not type-check.
    const error = new DomainError(400, 'NO_SUCH_CODE', 'x');
    expect(error.status).toBe(400);
    // @ts-expect-error: PREREQUISITE_NOT_MET's details list the missing codes as strings.
    expect(ruleViolation('PREREQUISITE_NOT_MET', 'x', { missing: 'EOD-1' }).status).toBe(422);
  });

  it('fills placeholders from details, lists joined', () => {
    const details = { missing: ['EOD-1', 'NTS'], courseCode: 'EOD-2', checkedOn: '2026-05-04' };
    expect(codeMessage('ru', 'PREREQUISITE_NOT_MET', details)).toBe(
      'Для курса EOD-2 требуется действующий сертификат: EOD-1, NTS (на 2026-05-04, первый день сессии).',
    );
    expect(codeMessage('az', 'PREREQUISITE_NOT_MET', details)).toContain('EOD-1, NTS');
  });

  it('words a missing clearance apart from a short one', () => {
    expect(
      codeMessage('en', 'MEDICAL_CLEARANCE_REQUIRED', {
        requiredUntil: '2026-05-08',
        clearanceUntil: null,
      }),
    ).toBe(MESSAGES.en['error.MEDICAL_CLEARANCE_MISSING'].replace('{requiredUntil}', '2026-05-08'));
  });

  it('words an enrolment refused as already certified apart from results already certified', () => {
    const held = { certificateId: 'c1', serial: 'COE-EOD1-2026-7KQ4M2', renewalWindowMonths: 6 };
    expect(codeMessage('ru', 'ALREADY_CERTIFIED', { ...held, validUntil: '2028-05-08' })).toBe(
      'У вас уже есть сертификат COE-EOD1-2026-7KQ4M2 по этому курсу, действующий до 2028-05-08. Продлить его можно на сессии, которая заканчивается не раньше чем за 6 месяцев до окончания его срока.',
    );
    expect(
      codeMessage('en', 'ALREADY_CERTIFIED', {
        ...held,
        validUntil: '2028-05-08',
        renewalWindowMonths: 1,
      }),
    ).toMatch(/renew it in a session that ends within its last month\.$/);
    expect(codeMessage('az', 'ALREADY_CERTIFIED', { ...held, validUntil: null })).toBe(
      'Bu kurs üzrə artıq COE-EOD1-2026-7KQ4M2 nömrəli sertifikatınız var və onun müddəti bitmir.',
    );
    expect(codeMessage('az', 'ALREADY_CERTIFIED', { certificateId: 'c1', enrolmentId: 'e1' })).toBe(
      MESSAGES.az['error.ALREADY_CERTIFIED'],
    );
  });

  it('falls back to the status sentence when details lack a placeholder', () => {
    const body = {
      statusCode: 422,
      error: 'Unprocessable Entity',
      code: 'PREREQUISITE_NOT_MET' as const,
      message: 'EOD-2 requires ...',
      details: {},
    };
    expect(localizeErrorBody(body, 'az').message).toBe(MESSAGES.az['error.status.422']);
    expect(localizeErrorBody(body, 'en')).toBe(body);
    expect(localizeErrorBody(body, 'ru').code).toBe('PREREQUISITE_NOT_MET');
  });

  it('keeps the English sentence of a service in English', () => {
    const error = badRequest('INVALID_PERIOD', 'from must not be after to');
    expect(error.inLanguage('en')).toBeUndefined();
  });
});

describe('field problems', () => {
  const range = { name: 'range', args: [0, 100], english: '' };
  it('name the field and the allowed range in each language', () => {
    expect(constraintMessage('en', 'theoryScore', range)).toBe(
      'theoryScore must be between 0 and 100',
    );
    expect(constraintMessage('az', 'theoryScore', range)).toBe(
      'theoryScore 0 ilə 100 arasında olmalıdır',
    );
    expect(constraintMessage('ru', 'theoryScore', range)).toBe(
      'theoryScore должно быть от 0 до 100',
    );
  });

  it('use Russian plural forms for counts', () => {
    const max = (n: number) => ({ name: 'maxLength', args: [n], english: '' });
    expect(constraintMessage('ru', 'code', max(1))).toBe('code должно быть не длиннее 1 символа');
    expect(constraintMessage('ru', 'code', max(21))).toBe('code должно быть не длиннее 21 символа');
    expect(constraintMessage('ru', 'code', max(5))).toBe('code должно быть не длиннее 5 символов');
    expect(constraintMessage('en', 'code', max(1))).toBe('code must be at most 1 character long');
    expect(constraintMessage('ru', 'code', max(2))).toBe('code должно быть не длиннее 2 символов');
    expect(constraintMessage('en', 'code', max(2))).toBe('code must be at most 2 characters long');
  });

  it("keep class-validator's sentence for a constraint no language words", () => {
    const custom = { name: 'isPersonName', args: [], english: 'givenName must be a name' };
    expect(constraintMessage('ru', 'givenName', custom)).toBe('givenName must be a name');
  });
});

describe('counts in each language', () => {
  it('words the wait after too many attempts in plural forms ("1 second", not "1 seconds")', () => {
    const wait = (lang: 'en' | 'az' | 'ru', s: number) =>
      codeMessage(lang, 'RATE_LIMITED', { retryAfterSeconds: s });
    expect(wait('en', 1)).toBe('Too many attempts. Try again in 1 second.');
    expect(wait('en', 0.2)).toBe('Too many attempts. Try again in 1 second.');
    expect(wait('en', 30)).toBe('Too many attempts. Try again in 30 seconds.');
    expect([1, 3, 5, 21].map((s) => wait('ru', s))).toEqual([
      'Слишком много попыток. Повторите через 1 секунду.',
      'Слишком много попыток. Повторите через 3 секунды.',
      'Слишком много попыток. Повторите через 5 секунд.',
      'Слишком много попыток. Повторите через 21 секунду.',
    ]);
    expect(wait('az', 1)).toContain('1 saniyədən');
    expect(codeMessage('ru', 'RATE_LIMITED', {})).toBeUndefined();
  });
});

describe('refusals in each language', () => {
  it('completes "not eligible" with the reason', () => {
    expect(codeMessage('ru', 'NOT_ELIGIBLE', { reason: 'NOT_PASSED' })).toBe(
      `${MESSAGES.ru['error.NOT_ELIGIBLE']} ${MESSAGES.ru['eligibility.NOT_PASSED']}`,
    );
    expect(codeMessage('az', 'NOT_ELIGIBLE', {})).toBeUndefined();
  });

  it("words a bulk issue's skipped enrolment like an error: English keeps the service's sentence", () => {
    const passed = { code: 'NOT_PASSED', message: 'The assessment was not passed (pass mark 70)' };
    expect(refusalMessage('en', passed)).toBe(passed.message);
    expect(refusalMessage('ru', passed)).toBe(
      codeMessage('ru', 'NOT_ELIGIBLE', { reason: 'NOT_PASSED' }),
    );
    const issued = { code: 'ALREADY_ISSUED', message: 'Certificate X was already issued' };
    expect(refusalMessage('az', issued)).toBe(MESSAGES.az['error.ALREADY_ISSUED']);
    const own = { code: 'SELF_CERTIFICATION', message: 'own' };
    expect(refusalMessage('ru', own)).toBe(MESSAGES.ru['error.SELF_CERTIFICATION']);
  });
});

describe('fields a service refuses itself (invalidField)', () => {
  const worded = (error: DomainError, lang: 'en' | 'az' | 'ru') =>
    error.inLanguage(lang) ?? { message: error.message, details: error.details };

  it('answers like the validation pipe, in each language', () => {
    const error = invalidField('note', 'requiredWhen', { args: ['reason', 'other'] });
    expect(error.status).toBe(400);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toBe('note is required when the reason is other');
    expect(worded(error, 'en').details).toEqual({
      fields: [{ field: 'note', messages: ['note is required when the reason is other'] }],
    });
    expect(worded(error, 'ru').message).toBe('note: обязательное поле, когда reason = other');
    expect(worded(error, 'az').message).toBe('reason other olduqda note mütləqdir');
    const twice = invalidField('entries.1.enrolmentId', 'enrolmentListedTwice');
    expect(twice.message).toBe('entries.1.enrolmentId lists an enrolment a second time');
    expect(worded(twice, 'az').details).toEqual({
      fields: [
        {
          field: 'entries.1.enrolmentId',
          messages: ['entries.1.enrolmentId eyni qeydiyyatı ikinci dəfə göstərir'],
        },
      ],
    });
  });

  it('keeps the specific English rule and sums it up in the other languages', () => {
    const problem = 'is built from the service name, the demo password or the e-mail address';
    const error = invalidField('newPassword', 'isAcceptablePassword', { problem });
    expect(worded(error, 'en').message).toBe(`newPassword ${problem}`);
    expect(worded(error, 'ru').message).toMatch(/^newPassword: пароль не принят/);
    expect(worded(error, 'az').message).toMatch(/^newPassword qəbul edilmir/);
  });
});
