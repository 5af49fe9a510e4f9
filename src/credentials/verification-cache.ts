import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { CourseTranslations } from '../courses/course-translations.js';
import { ChangeFeed, type Change } from '../database/change-feed.js';

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
 * join three tables. Correct across instances because every change that alters what a
 * verification shows is announced by PostgreSQL after commit (ChangeFeed) and evicts the entry
 * here, and an entry is served only once the feed has caught up with every change committed
 * before the request (one shared round trip per batch of requests); while the feed is down
 * nothing is served from memory. A miss reads the database directly, without that round trip.
 *
 * Only the stored facts are kept: "expired" is derived from the date at each request, and an
 * unknown serial is not kept (issuing it later needs no announcement).
 */
@Injectable()
export class VerificationCache {
  private readonly entries = new Map<string, VerifiedCertificateRow>();
  private readonly capacity: number;

  constructor(
    config: AppConfig,
    private readonly feed: ChangeFeed,
  ) {
    this.capacity = config.verifyCacheEntries;
    if (this.capacity > 0) feed.subscribe((change) => this.forget(change));
  }

  /**
   * The certificate with this serial, from memory if it can be trusted, otherwise from `load`;
   * what `load` returns is kept only if no change was announced while it ran.
   */
  async get(
    serial: string,
    load: () => Promise<VerifiedCertificateRow | undefined>,
  ): Promise<VerifiedCertificateRow | undefined> {
    if (this.capacity === 0) return load();
    const epoch = this.feed.epoch;
    const hit = this.entries.get(serial);
    // A miss goes straight to the database: it reads what is committed, so it needs no proof
    // that the feed has caught up (only serving from memory does). Over a register of a million
    // most verifications miss, and that proof cost them a second round trip.
    if (!hit) return this.fill(serial, epoch, load);
    // Not yet heard of a change committed before this request: memory may be behind.
    if (!(await this.feed.caughtUp())) return load();
    // Least recently used goes first: a Map iterates in insertion order. The entry may have
    // been evicted while caughtUp() waited; what was read before is then not served.
    if (this.entries.get(serial) !== hit) return this.fill(serial, this.feed.epoch, load);
    this.entries.delete(serial);
    this.entries.set(serial, hit);
    return hit;
  }

  /**
   * Reads the certificate and keeps it only if no change was announced while the read ran: a
   * change heard after the read evicts it; one committed before the read is in what it read
   * (its late notice then only evicts a fresh entry).
   */
  private async fill(
    serial: string,
    epoch: number,
    load: () => Promise<VerifiedCertificateRow | undefined>,
  ): Promise<VerifiedCertificateRow | undefined> {
    const row = await load();
    if (row && this.feed.live && this.feed.epoch === epoch) this.keep(serial, row);
    return row;
  }

  /** Whether the next verification of this serial would be answered from memory. */
  has(serial: string): boolean {
    return this.feed.live && this.entries.has(serial);
  }

  private keep(serial: string, row: VerifiedCertificateRow): void {
    this.entries.set(serial, row);
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  private forget(change: Change): void {
    switch (change.topic) {
      case 'certificate':
        this.entries.delete(change.key);
        return;
      case 'trainee':
        return this.forgetWhere((row) => row.trainee_id === change.key);
      case 'course':
        return this.forgetWhere((row) => row.course_id === change.key);
      case 'all':
        this.entries.clear();
        return;
      default:
        return;
    }
  }

  private forgetWhere(match: (row: VerifiedCertificateRow) => boolean): void {
    for (const [serial, row] of this.entries) if (match(row)) this.entries.delete(serial);
  }
}
