import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badRequest } from './errors.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: "Opaque cursor from a previous page's nextCursor" })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

type CursorValue = string | number;

export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, length: number): CursorValue[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(values) &&
      values.length === length &&
      values.every((v) => typeof v === 'string' || typeof v === 'number')
    ) {
      return values as CursorValue[];
    }
  } catch {
    // fall through to the 400 below
  }
  throw badRequest('INVALID_CURSOR', 'The cursor is not valid');
}

/**
 * Keyset pagination on (sortColumn, id): cost stays flat however deep the page, unlike OFFSET.
 * `sortColumn` must be non-null and, together with id, index-backed. The cursor carries the last
 * row's values; ids are compared as text in the cursor and cast back in SQL.
 */
export async function keysetPage<E extends ObjectLiteral, T>(
  qb: SelectQueryBuilder<E>,
  options: {
    alias: string;
    sortColumn: string; // e.g. 'createdAt'
    sortValue: (row: E) => Date | string | number;
    direction?: 'ASC' | 'DESC';
    query: PageQueryDto;
    map: (row: E) => T;
  },
): Promise<Page<T>> {
  const { alias, sortColumn, direction = 'ASC', query } = options;
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const op = direction === 'ASC' ? '>' : '<';
  if (query.cursor) {
    const [sortValue, id] = decodeCursor(query.cursor, 2);
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) {
      throw badRequest('INVALID_CURSOR', 'The cursor is not valid');
    }
    qb.andWhere(`(${alias}.${sortColumn}, ${alias}.id) ${op} (:cursorSort, :cursorId)`, {
      cursorSort: sortValue,
      cursorId: id,
    });
  }
  qb.orderBy(`${alias}.${sortColumn}`, direction)
    .addOrderBy(`${alias}.id`, direction)
    .take(undefined)
    .limit(limit + 1);
  const rows = await qb.getMany();
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  const nextCursor =
    hasMore && last
      ? encodeCursor([
          serialiseSort(options.sortValue(last)),
          (last as unknown as { id: string }).id,
        ])
      : null;
  return { items: pageRows.map(options.map), nextCursor };
}

function serialiseSort(value: Date | string | number): string | number {
  return value instanceof Date ? value.toISOString() : value;
}
