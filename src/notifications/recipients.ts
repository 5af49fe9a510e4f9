import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryNamed } from '../database/named-statements.js';
import { isLang, type Lang } from '../web/i18n.js';

/** Who a message goes to, in which language, and the account it concerns (if any). */
export interface Recipient {
  email: string;
  name: string | null;
  language: Lang;
  userId: string | null;
}

/**
 * Russian is chosen where it has official standing in law: the state language of Russia,
 * co-official in Belarus, Kazakhstan and Kyrgyzstan, and Tajikistan's constitutional
 * "language of interethnic communication". Elsewhere in the region (Uzbekistan, Ukraine, the
 * Caucasus) it has none, and guessing a language people may not want is worse than English;
 * they can pick their own in their preferences.
 */
const RUSSIAN = new Set(['RU', 'BY', 'KZ', 'KG', 'TJ']);

/** The default mail language of an organisation's country: az for AZ; ru (see RUSSIAN); else en. */
export function languageOfCountry(country: string | null | undefined): Lang {
  const code = (country ?? '').trim().toUpperCase();
  if (code === 'AZ') return 'az';
  if (RUSSIAN.has(code)) return 'ru';
  return 'en';
}

interface PersonRow {
  email: string | null;
  given_name: string | null;
  family_name: string | null;
  country: string | null;
  user_id: string | null;
  user_email: string | null;
  user_language: string | null;
}

/**
 * Finds where a person's mail goes, read in the caller's transaction. Language: the account's
 * preference, else the person's organisation's country, else English. A disabled account
 * receives nothing through it (its person may still be reached as a trainee or instructor).
 */
@Injectable()
export class Recipients {
  /** The account's own address; null when there is no such account or it is disabled. */
  async ofUser(tx: EntityManager, userId: string): Promise<Recipient | null> {
    const rows = (await tx.query(
      `SELECT u.email AS user_email, u.id AS user_id, u.language AS user_language,
              u.email AS email,
              COALESCE(t.given_name, i.given_name) AS given_name,
              COALESCE(t.family_name, i.family_name) AS family_name,
              COALESCE(tor.country, ior.country) AS country
         FROM users u
         LEFT JOIN trainees t ON t.id = u.trainee_id
         LEFT JOIN organisations tor ON tor.id = t.organisation_id
         LEFT JOIN instructors i ON i.id = u.instructor_id
         LEFT JOIN organisations ior ON ior.id = i.organisation_id
        WHERE u.id = $1 AND NOT u.disabled`,
      [userId],
    )) as PersonRow[];
    return rows[0] ? recipientOf(rows[0]) : null;
  }

  /** trainee.email, else the linked account's email; null when neither (nothing to send). */
  async ofTrainee(tx: EntityManager, traineeId: string): Promise<Recipient | null> {
    return (await this.ofTrainees(tx, [traineeId])).get(traineeId) ?? null;
  }

  /** `ofTrainee` for many in one read (a session's certificates); absent: nothing to send. */
  async ofTrainees(
    tx: EntityManager,
    traineeIds: readonly string[],
  ): Promise<Map<string, Recipient>> {
    const found = new Map<string, Recipient>();
    if (traineeIds.length === 0) return found;
    // One person (every change but a session's certificates) as `= $1`: the named statement's
    // generic plan is then taken and it is no longer planned on every call.
    const ids = [...new Set(traineeIds)];
    const rows = await queryNamed<TraineeRecipientRow & { trainee_id: string }>(
      tx,
      `SELECT t.id AS trainee_id, ${TRAINEE_RECIPIENT.columns}
         FROM trainees t ${TRAINEE_RECIPIENT.joins}
        WHERE ${ids.length === 1 ? 't.id = $1::uuid' : 't.id = ANY ($1::uuid[])'}`,
      [ids.length === 1 ? ids[0] : ids],
    );
    for (const row of rows) {
      const recipient = traineeRecipientOf(row);
      if (recipient && !found.has(row.trainee_id)) found.set(row.trainee_id, recipient);
    }
    return found;
  }

  /**
   * The language a trainee reads, by the same rule as their mail (the account's preference, else
   * the organisation's country, else English), whether or not there is an address to mail: the
   * certificate PDF adds Russian for a Russian-speaking holder.
   */
  async languageOfTrainee(tx: EntityManager, traineeId: string): Promise<Lang> {
    const rows = (await tx.query(
      `SELECT ${TRAINEE_RECIPIENT.columns} FROM trainees t ${TRAINEE_RECIPIENT.joins}
        WHERE t.id = $1`,
      [traineeId],
    )) as TraineeRecipientRow[];
    const row = rows[0];
    return row
      ? languageOf({ country: row.recipient_country, user_language: row.recipient_user_language })
      : 'en';
  }

  /** The instructor's address (always recorded), with the linked account's preferences. */
  async ofInstructor(tx: EntityManager, instructorId: string): Promise<Recipient | null> {
    const rows = (await tx.query(
      `SELECT i.email, i.given_name, i.family_name, o.country,
              u.id AS user_id, u.email AS user_email, u.language AS user_language
         FROM instructors i
         LEFT JOIN organisations o ON o.id = i.organisation_id
         LEFT JOIN users u ON u.instructor_id = i.id AND NOT u.disabled
        WHERE i.id = $1`,
      [instructorId],
    )) as PersonRow[];
    return rows[0] ? recipientOf(rows[0]) : null;
  }
}

/** What TRAINEE_RECIPIENT adds to a row. */
export type TraineeRecipientRow = { [K in keyof PersonRow as `recipient_${K}`]: PersonRow[K] };

/**
 * The columns and joins that find a trainee's address (`t`, the trainee's row), for a statement
 * that reads the trainee anyway: an enrolment reads it with its rules, one round trip fewer.
 * `traineeRecipientOf` turns them into the recipient, by the same rule as `ofTrainee`.
 */
export const TRAINEE_RECIPIENT = {
  columns: `t.email AS recipient_email, t.given_name AS recipient_given_name,
            t.family_name AS recipient_family_name, ro.country AS recipient_country,
            ru.id AS recipient_user_id, ru.email AS recipient_user_email,
            ru.language AS recipient_user_language`,
  joins: `LEFT JOIN organisations ro ON ro.id = t.organisation_id
          LEFT JOIN users ru ON ru.trainee_id = t.id AND NOT ru.disabled`,
};

export function traineeRecipientOf(row: TraineeRecipientRow): Recipient | null {
  return recipientOf({
    email: row.recipient_email,
    given_name: row.recipient_given_name,
    family_name: row.recipient_family_name,
    country: row.recipient_country,
    user_id: row.recipient_user_id,
    user_email: row.recipient_user_email,
    user_language: row.recipient_user_language,
  });
}

/** The account's preference, else the organisation's country (else English). */
function languageOf(row: Pick<PersonRow, 'country' | 'user_language'>): Lang {
  return isLang(row.user_language) ? row.user_language : languageOfCountry(row.country);
}

function recipientOf(row: PersonRow): Recipient | null {
  const email = row.email?.trim() || row.user_email?.trim();
  if (!email) return null;
  const name = [row.given_name, row.family_name].filter(Boolean).join(' ').trim();
  return {
    email,
    name: name || null,
    language: languageOf(row),
    userId: row.user_id,
  };
}
