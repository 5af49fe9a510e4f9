import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomInt } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { DataSource, EntityManager } from 'typeorm';
import { badRequest, notFound } from '../common/errors.js';
import { ADVISORY_LOCKS } from '../database/advisory-locks.js';

/** W3C Bitstring Status List: 131,072 entries (16 KB) per list, the spec's minimum for privacy. */
export const STATUS_LIST_SIZE = 131_072;
/** Past this share of used entries a new list is started, so random picks stay cheap. */
const FILL_LIMIT = 0.75;
const ALLOCATION_LOCK = ADVISORY_LOCKS.statusListAllocation;

export const STATUS_PURPOSES = ['revocation', 'suspension'] as const;
export type StatusPurpose = (typeof STATUS_PURPOSES)[number];

export interface StatusPosition {
  listNumber: number;
  index: number;
}

/** `revocation-3` ↔ {purpose: revocation, listNumber: 3}. */
export function statusListId(purpose: StatusPurpose, listNumber: number): string {
  return `${purpose}-${listNumber}`;
}

export function parseStatusListId(listId: string): { purpose: StatusPurpose; listNumber: number } {
  const match = /^(revocation|suspension)-([1-9]\d{0,6})$/.exec(listId);
  if (!match) throw notFound('Status list');
  return { purpose: match[1] as StatusPurpose, listNumber: Number(match[2]) };
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
  async encodedList(purpose: StatusPurpose, listNumber: number): Promise<string> {
    const status = purpose === 'revocation' ? 'revoked' : 'suspended';
    const rows = (await this.dataSource.query(
      'SELECT status_list_index AS i FROM certificates WHERE status_list_number = $1 AND status = $2',
      [listNumber, status],
    )) as { i: number }[];
    return encodeBitstring(rows.map((r) => r.i));
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
