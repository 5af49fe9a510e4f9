import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { CourseTranslations } from '../courses/course-translations.js';
import { ChangeFeed, type Change } from '../database/change-feed.js';
import { FeedCache } from '../database/feed-cache.js';

/** What verification reads of a certificate: its stored facts, never a derived verdict. */
export interface VerifiedCertificateRow {
  serial: string;
  status: 'active' | 'suspended' | 'revoked' | 'superseded';
  valid_until: string | null;
  issued_at: Date;
  status_reason: string | null;
  trainee_id: string;
  course_id: string;
  given_name: string;
  family_name: string;
  /** The holder's identity document type and its last four characters only (or nulls). */
  document_type: string | null;
  document_last4: string | null;
  code: string;
  title: string;
  /** The course's translations (course-translations.ts), for the page in the reader's language. */
  translations: CourseTranslations | null;
}

/**
 * The most recently verified certificates, kept in memory so a verification does not have to
 * join three tables (src/database/feed-cache.ts: evicted on every announced change that alters
 * what a verification shows, served only once the feed has caught up). Over a register of a
 * million most verifications miss, and a miss goes straight to the database.
 *
 * Only the stored facts are kept: "expired" is derived from the date at each request, and an
 * unknown serial is not kept (issuing it later needs no announcement).
 */
@Injectable()
export class VerificationCache {
  private readonly cache: FeedCache<VerifiedCertificateRow>;

  constructor(config: AppConfig, feed: ChangeFeed) {
    this.cache = new FeedCache(feed, config.verifyCacheEntries, forget);
  }

  /** The certificate with this serial, from memory if it can be trusted, otherwise from `load`. */
  get(
    serial: string,
    load: () => Promise<VerifiedCertificateRow | undefined>,
  ): Promise<VerifiedCertificateRow | undefined> {
    return this.cache.get(serial, load);
  }

  /** Whether the next verification of this serial would be answered from memory. */
  has(serial: string): boolean {
    return this.cache.has(serial);
  }
}

function forget(change: Change, cache: FeedCache<VerifiedCertificateRow>): void {
  switch (change.topic) {
    case 'certificate':
      return cache.delete(change.key);
    case 'trainee':
      return cache.deleteWhere((row) => row.trainee_id === change.key);
    case 'course':
      return cache.deleteWhere((row) => row.course_id === change.key);
    default:
      return;
  }
}
