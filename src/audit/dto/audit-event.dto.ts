import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBooleanString,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { PageQueryDto } from '../../common/pagination.js';
import { AUDIT_ENTITY_TYPES, type AuditEntityType } from '../audit-event.entity.js';
import type { AuditEvent } from '../audit-event.entity.js';
import { IsInstantOrDate } from './instant.js';

export const CHAIN_PROBLEMS = ['gap', 'link', 'hash', 'checkpoint', 'truncated'] as const;
export type ChainProblem = (typeof CHAIN_PROBLEMS)[number];

export const AUDIT_ORDERS = ['asc', 'desc'] as const;
export type AuditOrder = (typeof AUDIT_ORDERS)[number];

export class AuditEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 1042, description: 'Position in the hash chain: gapless, from 1' })
  seq: number;
  @ApiProperty({ format: 'date-time' }) occurredAt: Date;
  @ApiProperty({
    format: 'uuid',
    type: String,
    nullable: true,
    description: 'The acting user; null for the system (bootstrap, seed) or an unknown login',
  })
  actorId: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Aynur Məmmədova',
    description:
      "The acting user's name as of now: the trainee or instructor linked to the account, else its e-mail; null when there is no acting user (the system; pages show their own word for it)",
  })
  actorName: string | null;
  @ApiProperty({ type: [String], example: ['admin'], description: 'Roles the actor held then' })
  actorRoles: string[];
  @ApiProperty({ example: 'certificate.revoked' }) action: string;
  @ApiProperty({ enum: AUDIT_ENTITY_TYPES }) entityType: string;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) entityId: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'COE-EOD2-2026-7KQ4M2',
    description:
      "What the record is called now: a person's name (user, trainee, instructor), a certificate's serial, a course's code, a session's course code and dates, an organisation's name, an enrolment's trainee and session, a qualification's instructor and course, a signing key's kid; null when it has none",
  })
  entityLabel: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'fraud_or_misconduct' })
  reason: string | null;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "The server's id of the request that made the change (its X-Request-Id answer header)",
  })
  requestId: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The X-Request-Id the client sent, if any (sanitised; not unique, not trusted)',
  })
  clientRequestId: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What changed: `before` and `after` for updates (never secrets)',
  })
  data: Record<string, unknown>;
  @ApiProperty({ description: "The previous event's hash (64 zeros for the first event)" })
  prevHash: string;
  @ApiProperty({
    description:
      'SHA-256 over prevHash and the canonical JSON of the event: lets anyone re-check the chain',
  })
  hash: string;

  /** `names` are read with the page (see audit-labels.ts), not stored with the event. */
  static from(
    e: AuditEvent,
    names: { actorName: string | null; entityLabel: string | null },
  ): AuditEventDto {
    return {
      id: e.id,
      seq: Number(e.seq),
      occurredAt: e.occurredAt,
      actorId: e.actorId,
      actorName: names.actorName,
      actorRoles: e.actorRoles,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId,
      entityLabel: names.entityLabel,
      reason: e.reason,
      note: e.note,
      requestId: e.requestId,
      clientRequestId: e.clientRequestId,
      data: e.data,
      prevHash: e.prevHash,
      hash: e.hash,
    };
  }
}

export class AuditEventPageDto {
  @ApiProperty({ type: [AuditEventDto] }) items: AuditEventDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

/** Paging plus the direction: an entity's history reads oldest first. */
export class AuditPageQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: AUDIT_ORDERS,
    default: 'desc',
    description: '`desc`: newest first (the default); `asc`: oldest first, to read a history',
  })
  @IsOptional()
  @IsIn(AUDIT_ORDERS)
  order?: AuditOrder;
}

export class ListAuditEventsQueryDto extends AuditPageQueryDto {
  @ApiPropertyOptional({ enum: AUDIT_ENTITY_TYPES })
  @IsOptional()
  @IsIn(AUDIT_ENTITY_TYPES)
  entityType?: AuditEntityType;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  entityId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The acting user' })
  @IsOptional()
  @IsUUID('all')
  actorId?: string;

  @ApiPropertyOptional({ example: 'certificate.revoked', description: 'Exact action name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(/^[a-z_]+\.[a-z_]+$/, { message: 'action must read <entityType>.<verb>' })
  action?: string;

  @ApiPropertyOptional({
    example: '2026-01-01',
    description:
      'Events at or after this moment: an ISO 8601 timestamp with Z or an offset, or a date (from the start of that day in the Center’s time zone)',
  })
  @IsOptional()
  @IsInstantOrDate()
  from?: string;

  @ApiPropertyOptional({
    example: '2026-01-31T23:59:59Z',
    description:
      'Events at or before this moment: an ISO 8601 timestamp with Z or an offset, or a date (to the end of that day in the Center’s time zone)',
  })
  @IsOptional()
  @IsInstantOrDate()
  to?: string;
}

export class ChainVerificationDto {
  @ApiProperty({ description: 'True when every event links to its predecessor and hashes right' })
  intact: boolean;
  @ApiProperty({
    example: 1042,
    description: 'Events checked: all of them when intact, else up to the first broken one',
  })
  checked: number;
  @ApiProperty({
    format: 'uuid',
    type: String,
    nullable: true,
    description: 'The first event (in chain order) that fails the check',
  })
  firstBrokenId: string | null;
  @ApiProperty({
    enum: CHAIN_PROBLEMS,
    nullable: true,
    description:
      'Why that event fails: `gap` (an event before it is missing), `link` (it does not point at its predecessor), `hash` (its content was changed), `checkpoint` (its hash differs from the one verified earlier: history was rewritten), `truncated` (the chain ends before events verified earlier; `firstBrokenId` is null)',
  })
  problem: ChainProblem | null;
  @ApiProperty({ description: 'True when every event was rehashed, ignoring checkpoints' })
  full: boolean;
  @ApiProperty({
    example: 1042,
    description: 'Events whose hash was recomputed by this verification',
  })
  rehashed: number;
  @ApiProperty({
    example: 1000,
    description:
      'Events up to this position were trusted from earlier verifications, after PostgreSQL found their rows unchanged (0: none)',
  })
  trustedUpTo: number;
}

export class ChainVerificationQueryDto {
  @ApiPropertyOptional({
    description:
      'Recompute every event’s hash from the first, instead of trusting segments verified earlier whose rows are unchanged',
  })
  @IsOptional()
  @IsBooleanString()
  full?: 'true' | 'false';
}
