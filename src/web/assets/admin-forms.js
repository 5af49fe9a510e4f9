import { label, t } from './i18n.js';

/** The fields of the admin forms, shared by the create and edit pages. */

const ORG_TYPES = ['national_authority', 'ngo', 'commercial', 'military', 'other'];
const COURSE_STATUSES = ['draft', 'active', 'retired'];

const upper = (v) => v.toUpperCase();
const list = (v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function organisationFields(o = {}) {
  return [
    { name: 'name', label: t('field.name'), required: true, maxlength: 200, value: o.name },
    {
      name: 'country',
      label: t('field.country'),
      required: true,
      maxlength: 2,
      minlength: 2,
      value: o.country,
      hint: t('field.countryHint'),
      parse: upper,
      autocapitalize: 'characters',
    },
    {
      name: 'type',
      label: t('field.orgType'),
      type: 'select',
      required: true,
      value: o.type,
      options: [['', t('filter.choose')], ...ORG_TYPES.map((v) => [v, label('orgType', v)])],
    },
    {
      name: 'contactEmail',
      label: t('organisations.contactEmail'),
      type: 'email',
      maxlength: 254,
      value: o.contactEmail,
      hint: t('organisations.contactEmailHint'),
      emptyAs: null,
      autocomplete: 'off',
    },
  ];
}

export function courseFields(c = {}, courses = []) {
  const others = courses.filter((o) => o.id !== c.id);
  return [
    {
      name: 'code',
      label: t('course.code'),
      required: true,
      maxlength: 30,
      value: c.code,
      hint: t('course.codeHint'),
      autocapitalize: 'characters',
    },
    {
      name: 'title',
      label: t('course.titleField'),
      required: true,
      maxlength: 200,
      value: c.title,
    },
    {
      name: 'description',
      label: t('course.description'),
      type: 'textarea',
      maxlength: 5000,
      value: c.description,
      emptyAs: '',
    },
    {
      name: 'imasReferences',
      label: t('course.imas'),
      value: (c.imasReferences || []).join(', '),
      hint: t('course.imasHint'),
      parse: list,
      emptyAs: [],
    },
    {
      name: 'level',
      label: t('course.level'),
      required: true,
      maxlength: 50,
      value: c.level,
      hint: t('course.levelHint'),
    },
    {
      name: 'durationDays',
      label: t('course.durationDays'),
      type: 'number',
      required: true,
      min: 1,
      max: 365,
      step: 1,
      value: c.durationDays,
    },
    {
      name: 'passMark',
      label: t('course.passMark'),
      type: 'number',
      required: true,
      min: 0,
      max: 100,
      step: 1,
      value: c.passMark,
    },
    {
      name: 'minAttendancePercent',
      label: t('course.minAttendanceField'),
      type: 'number',
      required: true,
      min: 0,
      max: 100,
      step: 1,
      value: c.minAttendancePercent,
    },
    {
      name: 'validityMonths',
      label: t('course.validityMonths'),
      type: 'number',
      min: 1,
      max: 600,
      step: 1,
      value: c.validityMonths,
      hint: t('course.validityHint'),
      emptyAs: null,
    },
    {
      name: 'maxTraineesPerInstructor',
      label: t('course.maxTraineesPerInstructor'),
      type: 'number',
      min: 1,
      max: 1000,
      step: 1,
      value: c.maxTraineesPerInstructor,
      hint: t('course.maxTraineesPerInstructorHint'),
      emptyAs: null,
    },
    {
      name: 'prerequisiteCourseIds',
      label: t('course.prerequisites'),
      type: 'checkboxes',
      value: c.prerequisiteCourseIds || [],
      options: others.map((o) => [o.id, `${o.code} · ${o.title}`]),
    },
    {
      name: 'renewsCourseId',
      label: t('course.renews'),
      type: 'select',
      value: c.renewsCourseId,
      emptyAs: null,
      options: [
        ['', t('course.renewsNone')],
        ...others.map((o) => [o.id, `${o.code} · ${o.title}`]),
      ],
    },
    {
      name: 'requiresMedicalClearance',
      label: t('course.medicalField'),
      type: 'checkbox',
      value: c.requiresMedicalClearance,
    },
    {
      name: 'status',
      label: t('field.status'),
      type: 'select',
      value: c.status || 'draft',
      options: COURSE_STATUSES.map((s) => [s, label('courseStatus', s)]),
    },
    // Named as the API names them in a 400, so a refused text is shown beside its field.
    ...TRANSLATED.flatMap((lang) =>
      TRANSLATED_FIELDS.map((field) => ({
        name: `translations.${lang}.${field}`,
        label: t(`course.translation.${field}.${lang}`),
        type: field === 'description' ? 'textarea' : undefined,
        maxlength: TRANSLATED_MAX[field],
        value: c.translations?.[lang]?.[field],
        hint: field === 'title' ? t('course.translationHint') : undefined,
      })),
    ),
  ];
}

export function sessionFields(s = {}) {
  return [
    {
      name: 'startsOn',
      label: t('field.startsOn'),
      type: 'date',
      required: true,
      value: s.startsOn,
    },
    { name: 'endsOn', label: t('field.endsOn'), type: 'date', required: true, value: s.endsOn },
    {
      name: 'location',
      label: t('field.location'),
      required: true,
      maxlength: 200,
      value: s.location,
    },
    {
      name: 'language',
      label: t('field.language'),
      required: true,
      maxlength: 35,
      value: s.language ?? 'az',
      hint: t('session.languageHint'),
    },
    {
      name: 'capacity',
      label: t('field.capacity'),
      type: 'number',
      required: true,
      min: 1,
      max: 1000,
      step: 1,
      value: s.capacity,
    },
    joiningInstructionsField(s),
  ];
}

/** Free text for the participants' mail; shared by the create form and the session page. */
export function joiningInstructionsField(s = {}) {
  return {
    name: 'joiningInstructions',
    label: t('session.joiningInstructions'),
    type: 'textarea',
    maxlength: 2000,
    value: s.joiningInstructions,
    hint: t('session.joiningInstructionsHint'),
    emptyAs: null,
  };
}

export function traineeFields(p = {}, orgs = []) {
  return [
    {
      name: 'givenName',
      label: t('field.givenName'),
      required: true,
      maxlength: 100,
      value: p.givenName,
      autocomplete: 'off',
    },
    {
      name: 'familyName',
      label: t('field.familyName'),
      required: true,
      maxlength: 100,
      value: p.familyName,
      autocomplete: 'off',
    },
    {
      name: 'dateOfBirth',
      label: t('field.dateOfBirth'),
      type: 'date',
      required: true,
      value: p.dateOfBirth,
    },
    {
      name: 'sex',
      label: t('field.sex'),
      type: 'select',
      required: true,
      value: p.sex,
      options: [
        ['', t('filter.choose')],
        ['female', label('sex', 'female')],
        ['male', label('sex', 'male')],
      ],
    },
    {
      name: 'nationality',
      label: t('field.nationality'),
      required: true,
      maxlength: 2,
      minlength: 2,
      value: p.nationality,
      hint: t('field.countryHint'),
      parse: upper,
      autocapitalize: 'characters',
    },
    {
      name: 'organisationId',
      label: t('field.organisation'),
      type: 'select',
      value: p.organisationId,
      emptyAs: null,
      options: [['', t('field.noOrganisation')], ...orgs.map((o) => [o.id, o.name])],
    },
    {
      name: 'email',
      label: t('field.email'),
      type: 'email',
      maxlength: 254,
      value: p.email,
      emptyAs: null,
      autocomplete: 'off',
    },
    {
      name: 'medicalClearanceUntil',
      label: t('field.medicalUntil'),
      type: 'date',
      value: p.medicalClearanceUntil,
      emptyAs: null,
      hint: t('field.medicalHint'),
    },
    {
      name: 'phone',
      label: t('field.phone'),
      type: 'tel',
      maxlength: 30,
      value: p.phone,
      emptyAs: null,
      hint: t('field.phoneHint'),
      autocomplete: 'off',
    },
    // Named as the API names them in a 400, so a refused number is shown beside its field.
    {
      name: 'identityDocument.type',
      label: t('field.identityDocumentType'),
      type: 'select',
      value: p.identityDocument?.type ?? '',
      options: [
        ['', t('field.noIdentityDocument')],
        ...DOCUMENT_TYPES.map((type) => [type, label('documentType', type)]),
      ],
    },
    {
      name: 'identityDocument.number',
      label: t('field.identityDocumentNumber'),
      maxlength: 60,
      // The record answers the number whole to whoever may edit it; a list's masked one never
      // reaches a form.
      value: p.identityDocument && !p.identityDocument.masked ? p.identityDocument.number : '',
      hint: t('field.identityDocumentHint'),
      autocomplete: 'off',
      autocapitalize: 'characters',
    },
  ];
}

const DOCUMENT_TYPES = ['passport', 'national_id', 'military_id'];

const TRANSLATED = ['az', 'ru'];
const TRANSLATED_FIELDS = ['title', 'level', 'description'];
const TRANSLATED_MAX = { title: 200, level: 50, description: 5000 };

/** The form's flat translation fields as the API's `translations` (empty ones left out). */
function translationsOf(values) {
  const out = {};
  for (const lang of TRANSLATED) {
    const one = {};
    for (const field of TRANSLATED_FIELDS) {
      const value = values[`translations.${lang}.${field}`];
      if (value) one[field] = value;
    }
    if (Object.keys(one).length) out[lang] = one;
  }
  return out;
}

function withoutTranslationFields(values) {
  return Object.fromEntries(
    Object.entries(values).filter(([name]) => !name.startsWith('translations.')),
  );
}

/** A new course's body from courseFields' values. */
export function courseBody(values) {
  return { ...withoutTranslationFields(values), translations: translationsOf(values) };
}

/** A PATCH of a course from courseFields' values: what changed, translations replaced whole. */
export function courseChanges(before, values) {
  const out = changes(before, withoutTranslationFields(values));
  const next = translationsOf(values);
  const stored = translationsOf(
    Object.fromEntries(
      TRANSLATED.flatMap((lang) =>
        TRANSLATED_FIELDS.map((f) => [
          `translations.${lang}.${f}`,
          before.translations?.[lang]?.[f],
        ]),
      ),
    ),
  );
  if (JSON.stringify(next) !== JSON.stringify(stored)) out.translations = next;
  return out;
}

/** The form's flat document fields as the API's `identityDocument` (null: none). */
function documentOf(values) {
  const type = values['identityDocument.type'];
  return type ? { type, number: values['identityDocument.number'] ?? '' } : null;
}

function withoutDocumentFields(values) {
  const rest = { ...values };
  delete rest['identityDocument.type'];
  delete rest['identityDocument.number'];
  return rest;
}

/** A new trainee's body from traineeFields' values. */
export function traineeBody(values) {
  const document = documentOf(values);
  return { ...withoutDocumentFields(values), ...(document ? { identityDocument: document } : {}) };
}

/** A PATCH of a trainee from traineeFields' values: only what changed, with the version read. */
export function traineeChanges(before, values) {
  const out = changes(before, withoutDocumentFields(values));
  const document = documentOf(values);
  const stored = before.identityDocument
    ? { type: before.identityDocument.type, number: before.identityDocument.number }
    : null;
  if (JSON.stringify(document) !== JSON.stringify(stored)) out.identityDocument = document;
  return out;
}

export function instructorFields(p = {}, orgs = []) {
  return [
    {
      name: 'givenName',
      label: t('field.givenName'),
      required: true,
      maxlength: 100,
      value: p.givenName,
      autocomplete: 'off',
    },
    {
      name: 'familyName',
      label: t('field.familyName'),
      required: true,
      maxlength: 100,
      value: p.familyName,
      autocomplete: 'off',
    },
    {
      name: 'email',
      label: t('field.email'),
      type: 'email',
      required: true,
      maxlength: 254,
      value: p.email,
      autocomplete: 'off',
    },
    {
      name: 'organisationId',
      label: t('field.organisation'),
      type: 'select',
      value: p.organisationId,
      emptyAs: null,
      options: [['', t('field.noOrganisation')], ...orgs.map((o) => [o.id, o.name])],
    },
  ];
}

/** Only what changed, plus the version the form was drawn from (409 STALE_VERSION otherwise). */
export function changes(before, values) {
  const out = {};
  for (const [k, v] of Object.entries(values)) {
    if (JSON.stringify(before[k] ?? null) !== JSON.stringify(v ?? null)) out[k] = v;
  }
  out.version = before.version;
  return out;
}
