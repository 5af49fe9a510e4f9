import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomInt } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { DataSource, EntityManager } from 'typeorm';
import { badRequest, notFound } from '../common/errors.js';
import type { StoredCertificateStatus } from '../certifications/certificate.entity.js';
import { ADVISORY_LOCKS } from '../database/advisory-locks.js';

/** W3C Bitstring Status List: 131,072 entries (16 KB) per list, the spec's minimum for privacy. */
export const STATUS_LIST_SIZE = 131_072;
/** Past this share of used entries a new list is started, so random picks stay cheap. */
const FILL_LIMIT = 0.75;
const ALLOCATION_LOCK = ADVISORY_LOCKS.statusListAllocation;

/** The Bitstring Status List purposes our lists use. */
export type StatusPurpose = 'revocation' | 'suspension';

/**
 * The lists published for each list number, all from the same positions (each certificate has
 * one index, used in every list):
 * - `suspended-or-revoked`: the one list credentials issued since issue 18 point to. Its purpose
 *   is `suspension` and its bit is set while a certificate is suspended *or* revoked, so a
 *   verifier that reads the one entry Open Badges 3.0 allows can never take a suspended or a
 *   revoked certificate for a valid one (docs/credentials.md says why not a `message` list).
 *   A revocation never clears it (revoked is final); a reinstatement of a suspension does.
 * - `revocation` and `suspension`: the two lists of credentials issued before, each with its
 *   own status, still served and kept current so a credential already in a wallet keeps its
 *   revocation.
 */
export const STATUS_LIST_KINDS = {
  'suspended-or-revoked': { purpose: 'suspension', statuses: ['suspended', 'revoked'] },
  revocation: { purpose: 'revocation', statuses: ['revoked'] },
  suspension: { purpose: 'suspension', statuses: ['suspended'] },
} as const satisfies Record<
  string,
  { purpose: StatusPurpose; statuses: readonly StoredCertificateStatus[] }
>;
export type StatusListKind = keyof typeof STATUS_LIST_KINDS;
/** The kind new credentials point to. */
export const CURRENT_STATUS_LIST: StatusListKind = 'suspended-or-revoked';

export interface StatusPosition {
  listNumber: number;
  index: number;
}

/** `revocation-3` ↔ {kind: revocation, listNumber: 3}. */
export function statusListId(kind: StatusListKind, listNumber: number): string {
  return `${kind}-${listNumber}`;
}

export function parseStatusListId(listId: string): { kind: StatusListKind; listNumber: number } {
  const match = /^(suspended-or-revoked|revocation|suspension)-([1-9]\d{0,6})$/.exec(listId);
  if (!match) throw notFound('Status list');
  return { kind: match[1] as StatusListKind, listNumber: Number(match[2]) };
}

/**
 * The bits are not stored separately: they are read from the certificates' own statuses, so the
 * status list can never disagree with the register (one source of truth).
 */
@Injectable()
export class StatusListsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Random free positions for `count` new certificates, inside the issuing transaction. */
  async allocate(tx: EntityManager, count: number): Promise<StatusPosition[]> {
    if (count < 1) return [];
    if (count > STATUS_LIST_SIZE * (1 - FILL_LIMIT))
      throw badRequest('TOO_MANY', 'Too many certificates at once');
    await tx.query('SELECT pg_advisory_xact_lock($1)', [ALLOCATION_LOCK]);
    const [{ current }] = (await tx.query(
      'SELECT COALESCE(MAX(status_list_number), 1) AS current FROM certificates WHERE status_list_number >= 1',
    )) as { current: number }[];
    let listNumber = Number(current);
    let used = await this.usedIndexes(tx, listNumber);
    if (used.size + count > STATUS_LIST_SIZE * FILL_LIMIT) {
      listNumber += 1;
      used = new Set();
    }
    const positions: StatusPosition[] = [];
    while (positions.length < count) {
      const index = randomInt(STATUS_LIST_SIZE);
      if (used.has(index)) continue;
      used.add(index);
      positions.push({ listNumber, index });
    }
    return positions;
  }

  /** The GZIP-compressed bitstring, multibase base64url-encoded, as the spec's encodedList. */
  async encodedList(kind: StatusListKind, listNumber: number): Promise<string> {
    const rows = (await this.dataSource.query(
      'SELECT status_list_index AS i FROM certificates WHERE status_list_number = $1 AND status = ANY($2)',
      [listNumber, STATUS_LIST_KINDS[kind].statuses],
    )) as { i: number }[];
    return encodeBitstring(rows.map((r) => r.i));
  }

  /** Every list number some certificate holds a position in, ascending (list 0 is never one). */
  async listNumbersInUse(): Promise<number[]> {
    const rows = (await this.dataSource.query(
      'SELECT DISTINCT status_list_number AS n FROM certificates WHERE status_list_number >= 1 ORDER BY 1',
    )) as { n: number }[];
    return rows.map((r) => Number(r.n));
  }

  async listExists(listNumber: number): Promise<boolean> {
    const rows = (await this.dataSource.query(
      'SELECT 1 FROM certificates WHERE status_list_number = $1 LIMIT 1',
      [listNumber],
    )) as unknown[];
    return rows.length > 0;
  }

  private async usedIndexes(tx: EntityManager, listNumber: number): Promise<Set<number>> {
    const rows = (await tx.query(
      'SELECT status_list_index AS i FROM certificates WHERE status_list_number = $1',
      [listNumber],
    )) as { i: number }[];
    return new Set(rows.map((r) => r.i));
  }
}

/** Index 0 is the left-most (most significant) bit of the first byte, as the spec requires. */
export function encodeBitstring(setIndexes: number[]): string {
  const bits = Buffer.alloc(STATUS_LIST_SIZE / 8);
  for (const i of setIndexes) bits[i >> 3] |= 0x80 >> (i & 7);
  return `u${gzipSync(bits).toString('base64url')}`;
}
