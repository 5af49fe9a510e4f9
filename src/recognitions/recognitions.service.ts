import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { reachesAll } from '../access/access-policy.js';
import { assertMayReach } from '../access/record-access.js';
import { AuditService } from '../audit/audit.service.js';
import { SYSTEM_ACTOR, type Actor } from '../common/actor.js';
import {
  badRequest,
  conflict,
  notFound,
  referenceNotFound,
  ruleViolation,
} from '../common/errors.js';
import { keysetPage, type Page } from '../common/pagination.js';
import {
  CredentialVerifier,
  type CredentialVerdict,
} from '../credentials/vc-api/credential-verifier.service.js';
import {
  DecideRecognitionDto,
  ListRecognitionsQueryDto,
  RecognitionDto,
  RecognitionStatusRunDto,
  RecordRecognitionDto,
} from './dto/recognition.dto.js';
import { Recognition, type RecognitionEndReason } from './recognition.entity.js';

/**
 * Credentials from other centres recorded against trainees as satisfying our courses. Only a
 * verified credential of a trusted issuer, current and neither revoked nor suspended, is
 * recorded. A registrar's (admin's) record counts at once; what a trainee presents for
 * themself, or a coordinator for their people, waits for a registrar: whether another
 * centre's course is worth ours, and whether the credential is this person's (its subject is
 * named by the issuer, not by us), is the Center's judgement, never the presenter's.
 */
@Injectable()
export class RecognitionsService {
  private readonly logger = new Logger(RecognitionsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly verifier: CredentialVerifier,
  ) {}

  async record(
    actor: Actor,
    traineeId: string,
    input: RecordRecognitionDto,
  ): Promise<RecognitionDto> {
    const manager = this.dataSource.manager;
    await assertMayReach(
      manager,
      actor,
      'recognitions.present',
      { kind: 'trainee', traineeId },
      "You may present credentials for your own record (a coordinator: their organisation's people)",
      () => notFound('Trainee'),
    );
    if (!(await exists(manager, 'trainees', traineeId))) throw notFound('Trainee');
    if (!(await exists(manager, 'courses', input.courseId)))
      throw referenceNotFound('courseId', 'The course');
    if (typeof input.credential !== 'string' && !isRecord(input.credential))
      throw badRequest(
        'UNSUPPORTED_CREDENTIAL',
        'credential must be a vc+jwt string or a credential object',
        {
          fields: ['credential'],
        },
      );
    const verdict = await this.verifier.verify(input.credential);
    const trusted = acceptable(verdict);
    const credentialId = typeof verdict.credential?.id === 'string' ? verdict.credential.id : null;
    const decides = reachesAll(actor, 'recognitions.decide');
    return this.dataSource.transaction(async (tx) => {
      // One live recognition per credential and course: serialise on the trainee.
      await tx.query('SELECT 1 FROM trainees WHERE id = $1 FOR UPDATE', [traineeId]);
      const duplicate = (await tx.query(
        `SELECT id FROM recognitions
          WHERE trainee_id = $1 AND course_id = $2 AND state IN ('pending', 'active')
            AND (credential = $3::jsonb OR (credential_id IS NOT NULL AND credential_id = $4))`,
        [traineeId, input.courseId, JSON.stringify(input.credential), credentialId],
      )) as { id: string }[];
      if (duplicate.length > 0)
        throw conflict(
          'ALREADY_RECOGNISED',
          'This credential is already recorded for this course',
          {
            recognitionId: duplicate[0].id,
          },
        );
      const now = new Date();
      const saved = await tx.save(
        tx.create(Recognition, {
          traineeId,
          courseId: input.courseId,
          trustedIssuerId: trusted.id,
          issuerName: trusted.name,
          issuerRef: verdict.issuer!,
          credentialFormat: verdict.format!,
          credential: input.credential,
          credentialId,
          validFrom: verdict.validFrom ? new Date(verdict.validFrom) : null,
          validUntil: verdict.validUntil ? new Date(verdict.validUntil) : null,
          state: decides ? 'active' : 'pending',
          presentedBy: actor.userId,
          presentedAt: now,
          note: input.note,
          decidedBy: decides ? actor.userId : null,
          decidedAt: decides ? now : null,
          decisionNote: null,
          statusCheckedAt: now,
        }),
      );
      const dto = RecognitionDto.from(saved);
      await this.audit.record(tx, actor, {
        action: 'recognition.recorded',
        entityType: 'recognition',
        entityId: saved.id,
        note: input.note,
        data: { after: summary(dto), verification: verificationSummary(verdict) },
      });
      return dto;
    });
  }

  async list(
    actor: Actor,
    traineeId: string,
    query: ListRecognitionsQueryDto,
  ): Promise<Page<RecognitionDto>> {
    await assertMayReach(
      this.dataSource.manager,
      actor,
      'recognitions.read',
      { kind: 'trainee', traineeId },
      "You may read your own recognitions (a coordinator: their organisation's people)",
      () => notFound('Trainee'),
    );
    if (!(await exists(this.dataSource.manager, 'trainees', traineeId))) throw notFound('Trainee');
    const qb = this.dataSource
      .getRepository(Recognition)
      .createQueryBuilder('r')
      .where('r.traineeId = :traineeId', { traineeId });
    return keysetPage(qb, {
      alias: 'r',
      sortColumn: 'presentedAt',
      sortValue: (r) => r.presentedAt,
      query,
      map: RecognitionDto.from,
    });
  }

  /**
   * A registrar accepts or rejects what someone else presented. Accepting checks the
   * credential again first (its issuer may have revoked it since), with the same refusals.
   */
  async decide(
    actor: Actor,
    traineeId: string,
    recognitionId: string,
    input: DecideRecognitionDto,
  ): Promise<RecognitionDto> {
    const current = await this.dataSource
      .getRepository(Recognition)
      .findOneBy({ id: recognitionId, traineeId });
    if (!current) throw notFound('Recognition');
    const verdict =
      input.decision === 'accept' ? await this.verifier.verify(current.credential) : null;
    if (verdict) acceptable(verdict);
    return this.dataSource.transaction(async (tx) => {
      const recognition = await tx.findOne(Recognition, {
        where: { id: recognitionId, traineeId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!recognition) throw notFound('Recognition');
      if (recognition.state !== 'pending')
        throw conflict(
          'STALE_VERSION',
          `The recognition is ${recognition.state}, not waiting for a decision`,
          {
            state: recognition.state,
          },
        );
      const now = new Date();
      recognition.decidedBy = actor.userId;
      recognition.decidedAt = now;
      recognition.decisionNote = input.note;
      if (input.decision === 'accept') {
        recognition.state = 'active';
        recognition.statusCheckedAt = now;
      } else {
        recognition.state = 'ended';
        recognition.endedAt = now;
        recognition.endReason = 'rejected';
      }
      const saved = await tx.save(recognition);
      const dto = RecognitionDto.from(saved);
      await this.audit.record(tx, actor, {
        action: input.decision === 'accept' ? 'recognition.accepted' : 'recognition.rejected',
        entityType: 'recognition',
        entityId: saved.id,
        note: input.note,
        data: {
          after: summary(dto),
          ...(verdict ? { verification: verificationSummary(verdict) } : {}),
        },
      });
      return dto;
    });
  }

  /**
   * Reads again, at each issuer, the status of every recognition that counts or waits: one whose
   * credential its issuer revoked or suspended, or whose issuer is no longer trusted, ends
   * (audited, with the reason), and the prerequisite it satisfied is missing again. A status
   * that cannot be read this time (the issuer's host is down) changes nothing and is counted;
   * the next run tries again. Runs daily (RecognitionStatusScheduler) and on an admin's request.
   */
  async recheck(actor: Actor = SYSTEM_ACTOR): Promise<RecognitionStatusRunDto> {
    const live = await this.dataSource
      .getRepository(Recognition)
      .find({ where: { state: In(['active', 'pending']) }, order: { presentedAt: 'ASC' } });
    let ended = 0;
    let unchecked = 0;
    // One fetch of each status list for the whole run, however many recognitions it speaks for.
    const run = { statusLists: new Map() };
    for (const recognition of live) {
      let reason: RecognitionEndReason | null = null;
      let verdict: CredentialVerdict | null = null;
      if (recognition.trustedIssuerId === null) {
        reason = 'issuer_untrusted';
      } else {
        try {
          verdict = await this.verifier.verify(recognition.credential, run);
        } catch (error) {
          this.logger.warn(`Recognition ${recognition.id}: status check failed: ${String(error)}`);
          unchecked += 1;
          continue;
        }
        if (
          !verdict.trustedIssuer ||
          verdict.trustedIssuerRecord?.id !== recognition.trustedIssuerId
        )
          reason = 'issuer_untrusted';
        else if (verdict.status === 'revoked') reason = 'revoked';
        else if (verdict.status === 'suspended') reason = 'suspended';
      }
      if (reason) {
        if (await this.end(actor, recognition.id, reason, verdict)) ended += 1;
      } else if (verdict && verdict.status === 'active') {
        await this.dataSource.query(
          'UPDATE recognitions SET status_checked_at = now() WHERE id = $1',
          [recognition.id],
        );
      } else {
        unchecked += 1;
      }
    }
    return { checked: live.length, ended, unchecked };
  }

  private async end(
    actor: Actor,
    id: string,
    reason: RecognitionEndReason,
    verdict: CredentialVerdict | null,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      const recognition = await tx.findOne(Recognition, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!recognition || recognition.state === 'ended') return false;
      const before = recognition.state;
      const now = new Date();
      recognition.state = 'ended';
      recognition.endedAt = now;
      recognition.endReason = reason;
      recognition.statusCheckedAt = now;
      const saved = await tx.save(recognition);
      await this.audit.record(tx, actor, {
        action: 'recognition.ended',
        entityType: 'recognition',
        entityId: id,
        reason,
        data: {
          before: { state: before },
          after: summary(RecognitionDto.from(saved)),
          ...(verdict ? { verification: verificationSummary(verdict) } : {}),
        },
      });
      return true;
    });
  }
}

/**
 * The trusted issuer of a credential that may be recorded, or the refusal: genuine (proof),
 * from a trusted issuer (not the Center: its own certificates count as themselves), current,
 * its status read and neither revoked nor suspended.
 */
function acceptable(verdict: CredentialVerdict): { id: string; name: string } {
  const details = { errors: verdict.errors.map((e) => e.code), issuer: verdict.issuer };
  if (!verdict.proofValid)
    throw ruleViolation('CREDENTIAL_NOT_VERIFIED', 'The credential could not be verified', details);
  if (verdict.center)
    throw ruleViolation(
      'RULE_VIOLATION',
      "The Center's own certificates count as themselves: no recognition is needed",
      details,
    );
  if (!verdict.trustedIssuer || !verdict.trustedIssuerRecord)
    throw ruleViolation('ISSUER_NOT_TRUSTED', `${verdict.issuer} is not a trusted issuer`, details);
  if (verdict.status === 'revoked')
    throw ruleViolation('CREDENTIAL_REVOKED', 'Its issuer has revoked this credential', details);
  if (verdict.status === 'suspended')
    throw ruleViolation(
      'CREDENTIAL_SUSPENDED',
      'Its issuer has suspended this credential',
      details,
    );
  if (verdict.datesValid === false)
    throw ruleViolation('CREDENTIAL_EXPIRED', 'The credential has expired or is not valid yet', {
      ...details,
      validFrom: verdict.validFrom,
      validUntil: verdict.validUntil,
    });
  if (!verdict.verified)
    throw ruleViolation('CREDENTIAL_NOT_VERIFIED', 'The credential could not be verified', details);
  return { id: verdict.trustedIssuerRecord.id, name: verdict.trustedIssuerRecord.name };
}

/** What the audit trail keeps of a recognition: not the credential itself (it is on the row). */
function summary(dto: RecognitionDto) {
  const { credential: _credential, ...rest } = dto;
  return rest;
}

function verificationSummary(verdict: CredentialVerdict) {
  return {
    issuer: verdict.issuer,
    format: verdict.format,
    status: verdict.status,
    checks: verdict.checks,
    errors: verdict.errors.map((e) => e.code),
    warnings: verdict.warnings.map((w) => w.code),
  };
}

async function exists(
  manager: EntityManager,
  table: 'trainees' | 'courses',
  id: string,
): Promise<boolean> {
  const rows = (await manager.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id])) as unknown[];
  return rows.length > 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
