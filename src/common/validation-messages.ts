import { formatMessage } from '#message-format';
import type { Lang } from '../web/i18n.js';

/**
 * What a field's value broke, as class-validator names it (`min`, `isIn`, ...), with the
 * decorator's arguments (`[0]`, `[["a","b"]]`). `range` is ours: a field limited by both
 * `@Min` and `@Max` names both bounds whichever it broke. `required` is ours too: the field
 * was absent, whatever else it would have had to be.
 */
export interface BrokenConstraint {
  name: string;
  args: readonly unknown[];
  /** class-validator's (or the decorator's own) English sentence, used when we have no better. */
  english: string;
}

/** `english` is the sentence the problem came with, for constraints English words case by case. */
type Render = (field: string, args: readonly unknown[], lang: Lang, english: string) => string;

const list = (value: unknown): string =>
  Array.isArray(value)
    ? value.map(String).join(', ')
    : value && typeof value === 'object'
      ? [...new Set(Object.values(value).map(String))].join(', ')
      : String(value);

const num = (value: unknown) => Number(value);

/** Counted nouns, in each language's plural forms (Azerbaijani keeps the noun singular). */
const COUNTED = {
  characters: {
    en: '{n, plural, one {# character} other {# characters}}',
    az: '{n} simvol',
    ru: '{n, plural, one {# символа} few {# символов} many {# символов} other {# символа}}',
  },
  items: {
    en: '{n, plural, one {# item} other {# items}}',
    az: '{n} element',
    ru: '{n, plural, one {# элемента} few {# элементов} many {# элементов} other {# элемента}}',
  },
} as const satisfies Record<string, Record<Lang, string>>;

const characters = (lang: Lang, n: number) => formatMessage(lang, COUNTED.characters[lang], { n });
const items = (lang: Lang, n: number) => formatMessage(lang, COUNTED.items[lang], { n });

const en = {
  required: (f) => `${f} is required`,
  unknownField: (f) => `${f} is not a known field`,
  range: (f, [min, max]) => `${f} must be between ${num(min)} and ${num(max)}`,
  min: (f, [min]) => `${f} must be at least ${num(min)}`,
  max: (f, [max]) => `${f} must be at most ${num(max)}`,
  isInt: (f) => `${f} must be a whole number`,
  isNumber: (f) => `${f} must be a number`,
  isIn: (f, [values]) => `${f} must be one of: ${list(values)}`,
  isEnum: (f, [values]) => `${f} must be one of: ${list(values)}`,
  isCalendarDate: (f) => `${f} must be a date written YYYY-MM-DD`,
  isDateString: (f) => `${f} must be a date written YYYY-MM-DD`,
  isString: (f) => `${f} must be text`,
  isBoolean: (f) => `${f} must be true or false`,
  isUuid: (f) => `${f} must be a UUID`,
  isArray: (f) => `${f} must be a list`,
  isNotEmpty: (f) => `${f} must not be empty`,
  maxLength: (f, [max], l) => `${f} must be at most ${characters(l, num(max))} long`,
  minLength: (f, [min], l) => `${f} must be at least ${characters(l, num(min))} long`,
  arrayMaxSize: (f, [max], l) => `${f} must hold at most ${items(l, num(max))}`,
  arrayMinSize: (f, [min], l) => `${f} must hold at least ${items(l, num(min))}`,
  // Rules a service checks itself (invalidField in validation.ts).
  requiredWhen: (f, [other, value]) =>
    `${f} is required when the ${String(other)} is ${String(value)}`,
  enrolmentListedTwice: (f) => `${f} lists an enrolment a second time`,
  enrolmentNotInSession: (f) => `${f} is not an enrolment of this session`,
  // English says which rule, case by case (email.ts, password-policy.ts); the others sum up.
  isAccountEmail: (_f, _args, _l, english) => english,
  isAcceptablePassword: (_f, _args, _l, english) => english,
  // Trainees' identity documents and phones (src/trainees/identity-document.ts).
  isDocumentNumber: (f) =>
    `${f} must be 5 to 30 letters and digits (spaces and hyphens are ignored)`,
  isPhone: (f) =>
    `${f} must be an international number: + and the country code, e.g. +994501234567`,
} satisfies Record<string, Render>;

/** The problems every language words: class-validator's constraint names, and ours. */
export type FieldRule = keyof typeof en;

const MESSAGES: Record<Lang, Record<FieldRule, Render>> = {
  en,
  az: {
    required: (f) => `${f} mütləqdir`,
    unknownField: (f) => `${f} tanınmayan sahədir`,
    range: (f, [min, max]) => `${f} ${num(min)} ilə ${num(max)} arasında olmalıdır`,
    min: (f, [min]) => `${f} ən azı ${num(min)} olmalıdır`,
    max: (f, [max]) => `${f} ən çoxu ${num(max)} olmalıdır`,
    isInt: (f) => `${f} tam ədəd olmalıdır`,
    isNumber: (f) => `${f} ədəd olmalıdır`,
    isIn: (f, [values]) => `${f} bunlardan biri olmalıdır: ${list(values)}`,
    isEnum: (f, [values]) => `${f} bunlardan biri olmalıdır: ${list(values)}`,
    isCalendarDate: (f) => `${f} İİİİ-AA-GG şəklində tarix olmalıdır`,
    isDateString: (f) => `${f} İİİİ-AA-GG şəklində tarix olmalıdır`,
    isString: (f) => `${f} mətn olmalıdır`,
    isBoolean: (f) => `${f} true və ya false olmalıdır`,
    isUuid: (f) => `${f} UUID olmalıdır`,
    isArray: (f) => `${f} siyahı olmalıdır`,
    isNotEmpty: (f) => `${f} boş olmamalıdır`,
    maxLength: (f, [max], l) => `${f} ən çoxu ${characters(l, num(max))} olmalıdır`,
    minLength: (f, [min], l) => `${f} ən azı ${characters(l, num(min))} olmalıdır`,
    arrayMaxSize: (f, [max], l) => `${f} ən çoxu ${items(l, num(max))} saxlamalıdır`,
    arrayMinSize: (f, [min], l) => `${f} ən azı ${items(l, num(min))} saxlamalıdır`,
    requiredWhen: (f, [other, value]) => `${String(other)} ${String(value)} olduqda ${f} mütləqdir`,
    enrolmentListedTwice: (f) => `${f} eyni qeydiyyatı ikinci dəfə göstərir`,
    enrolmentNotInSession: (f) => `${f} bu sessiyanın qeydiyyatı deyil`,
    isAccountEmail: (f) =>
      `${f} hesabın e-poçt ünvanı ola bilməz: bu, e-poçt ünvanı deyil və ya başqa ünvanla qarışdırıla bilər`,
    isAcceptablePassword: (f) =>
      `${f} qəbul edilmir: şifrə ya çox qısa və ya çox uzundur, ya çox sadə və ya geniş yayılmışdır, ya da xidmətin adından və ya e-poçt ünvanından qurulub`,
    isDocumentNumber: (f) =>
      `${f} 5-30 hərf və rəqəmdən ibarət olmalıdır (boşluqlar və defislər nəzərə alınmır)`,
    isPhone: (f) => `${f} beynəlxalq nömrə olmalıdır: + və ölkə kodu, məsələn +994501234567`,
  },
  ru: {
    required: (f) => `${f}: обязательное поле`,
    unknownField: (f) => `${f}: неизвестное поле`,
    range: (f, [min, max]) => `${f} должно быть от ${num(min)} до ${num(max)}`,
    min: (f, [min]) => `${f} должно быть не меньше ${num(min)}`,
    max: (f, [max]) => `${f} должно быть не больше ${num(max)}`,
    isInt: (f) => `${f} должно быть целым числом`,
    isNumber: (f) => `${f} должно быть числом`,
    isIn: (f, [values]) => `${f} должно быть одним из: ${list(values)}`,
    isEnum: (f, [values]) => `${f} должно быть одним из: ${list(values)}`,
    isCalendarDate: (f) => `${f} должно быть датой в виде ГГГГ-ММ-ДД`,
    isDateString: (f) => `${f} должно быть датой в виде ГГГГ-ММ-ДД`,
    isString: (f) => `${f} должно быть текстом`,
    isBoolean: (f) => `${f} должно быть true или false`,
    isUuid: (f) => `${f} должно быть UUID`,
    isArray: (f) => `${f} должно быть списком`,
    isNotEmpty: (f) => `${f} не должно быть пустым`,
    maxLength: (f, [max], l) => `${f} должно быть не длиннее ${characters(l, num(max))}`,
    minLength: (f, [min], l) => `${f} должно быть не короче ${characters(l, num(min))}`,
    arrayMaxSize: (f, [max], l) => `${f} должно содержать не более ${items(l, num(max))}`,
    arrayMinSize: (f, [min], l) => `${f} должно содержать не менее ${items(l, num(min))}`,
    requiredWhen: (f, [other, value]) =>
      `${f}: обязательное поле, когда ${String(other)} = ${String(value)}`,
    enrolmentListedTwice: (f) => `${f}: эта запись на сессию указана второй раз`,
    enrolmentNotInSession: (f) => `${f}: это не запись на эту сессию`,
    isAccountEmail: (f) =>
      `${f}: этот адрес нельзя дать учётной записи — это не адрес эл. почты, или его можно спутать с другим`,
    isAcceptablePassword: (f) =>
      `${f}: пароль не принят — он слишком короткий или длинный, слишком простой или распространённый, либо составлен из названия сервиса или адреса эл. почты`,
    isDocumentNumber: (f) =>
      `${f} должно содержать от 5 до 30 букв и цифр (пробелы и дефисы не учитываются)`,
    isPhone: (f) =>
      `${f} должно быть международным номером: + и код страны, например +994501234567`,
  },
};

/** The constraint names every language words itself; the rest keep their English sentence. */
export const WORDED_CONSTRAINTS = Object.keys(en);

const isFieldRule = (name: string): name is FieldRule => Object.hasOwn(en, name);

/** One broken constraint as a sentence naming the field (and the allowed values or range). */
export function constraintMessage(lang: Lang, field: string, broken: BrokenConstraint): string {
  return isFieldRule(broken.name)
    ? MESSAGES[lang][broken.name](field, broken.args, lang, broken.english)
    : broken.english;
}
