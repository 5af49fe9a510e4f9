import type { Lang } from '../web/i18n.js';

/**
 * Course titles, descriptions and level names in the Center's other languages (issue 17). The
 * original (`title`, `description`, `level`) stays the course's name of record, in whatever
 * language it was written; a translation gives each field for one language, any of them may be
 * missing, and a missing one falls back to the original field by field.
 */
export const TRANSLATED_LANGUAGES = ['az', 'ru'] as const;
export type TranslatedLanguage = (typeof TRANSLATED_LANGUAGES)[number];

export interface CourseText {
  title: string;
  description: string;
  level: string;
}

export type CourseTranslation = Partial<CourseText>;
export type CourseTranslations = Partial<Record<TranslatedLanguage, CourseTranslation>>;

type Translatable = CourseText & { translations?: CourseTranslations | null };

const translationIn = (
  course: { translations?: CourseTranslations | null },
  lang: Lang | undefined,
): CourseTranslation => (lang === 'az' || lang === 'ru' ? (course.translations?.[lang] ?? {}) : {});

/** The course as a reader of `lang` sees it: each field translated when it is, else the original. */
export function localizedCourse(course: Translatable, lang: Lang | undefined): CourseText {
  const t = translationIn(course, lang);
  return {
    title: t.title || course.title,
    description: t.description || course.description,
    level: t.level || course.level,
  };
}

/** The title alone, for the places that name a course (sessions, transcripts, verification). */
export function localizedTitle(
  course: { title: string; translations?: CourseTranslations | null },
  lang: Lang | undefined,
): string {
  return translationIn(course, lang).title || course.title;
}

/** The level alone (session answers carry it beside the title). */
export function localizedLevel(
  course: { level: string; translations?: CourseTranslations | null },
  lang: Lang | undefined,
): string {
  return translationIn(course, lang).level || course.level;
}

/**
 * What is stored: only the languages and fields given, empty ones dropped, so `{}` means none and
 * a PATCH that clears a field leaves no empty string to fall back from.
 */
export function storedTranslations(
  input: CourseTranslations | null | undefined,
): CourseTranslations {
  const out: CourseTranslations = {};
  for (const lang of TRANSLATED_LANGUAGES) {
    const given = input?.[lang];
    if (!given) continue;
    const fields = Object.fromEntries(
      (['title', 'description', 'level'] as const)
        .filter((f) => typeof given[f] === 'string' && given[f] !== '')
        .map((f) => [f, given[f]]),
    ) as CourseTranslation;
    if (Object.keys(fields).length > 0) out[lang] = fields;
  }
  return out;
}
