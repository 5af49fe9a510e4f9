import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { assertMayReach } from '../access/record-access.js';
import { recordMany } from '../audit/audit-bulk.js';
import type { AuditInput } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { addMonths, today } from '../common/calendar.js';
import { isUniqueViolation } from '../common/database-errors.js';
import { refusalMessage } from '../common/error-messages.js';
import { conflict, forbidden, notFound, ruleViolation } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { Course } from '../courses/course.entity.js';
import { CourseSession } from '../courses/session.entity.js';
import { CredentialsService } from '../credentials/credentials.service.js';
import { StatusListsService, type StatusPosition } from '../credentials/status-lists.service.js';
import { Enrolment } from '../enrolments/enrolment.entity.js';
import { assertNotOwnEnrolment, ownTrainees } from '../enrolments/own-record.js';
import { holdsQualification } from '../instructors/qualification-rule.js';
import { Trainee } from '../trainees/trainee.entity.js';
import type { Lang } from '../web/i18n.js';
import { CertificateMail } from './certificate-mail.js';
import { toCertificateDto } from './certificate-mapper.js';
import { Certificate } from './certificate.entity.js';
import type {
  BulkIssueResultDto,
  CertificateDto,
  SkippedEnrolmentDto,
} from './dto/certificate.dto.js';
import { certificationRefusal, ineligibility } from './eligibility.js';
import { insertCertificates, supersedeEarlier, type Supersession } from './issuance-writes.js';
import { generateSerial } from './serial.js';

interface IssueContext {
  session: CourseSession;
  course: Course;
  issuedOn: string;
}

/** Issuing certificates to trainees who passed, one at a time or for a whole session. */
@Injectable()
export class IssuanceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly credentials: CredentialsService,
    private readonly statusLists: StatusListsService,
    private readonly mail: CertificateMail,
  ) {}

  async issue(actor: Actor, enrolmentId: string): Promise<CertificateDto> {
    try {
      return await this.dataSource.transaction(async (tx) => {
        // Locking the enrolment queues simultaneous requests for it: the second one sees the
        // certificate the first created and answers 409 instead of issuing twice.
        const enrolment = await tx.findOne(Enrolment, {
          where: { id: enrolmentId },
          lock: { mode: 'pessimistic_write' },
        });
        if (!enrolment) throw notFound('Enrolment');
        const ctx = await this.context(tx, actor, enrolment.sessionId);
        await assertNotOwnEnrolment(tx, actor, enrolment.traineeId);
        const existing = await tx.findOneBy(Certificate, { enrolmentId });
        if (existing) {
          throw conflict(
            'ALREADY_ISSUED',
            `Certificate ${existing.serial} was already issued for this enrolment`,
            {
              certificateId: existing.id,
              serial: existing.serial,
            },
          );
        }
        const reason = ineligibility(enrolment, ctx.session, ctx.course);
        if (reason)
          throw ruleViolation('NOT_ELIGIBLE', reason.message, { reason: reason.code, enrolmentId });
        const [position] = await this.statusLists.allocate(tx, 1);
        const [certificate] = await this.create(tx, actor, ctx, [{ enrolment, position }]);
        return certificate;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'certificates_enrolment_key')) {
        const existing = await this.dataSource
          .getRepository(Certificate)
          .findOneBy({ enrolmentId });
        throw conflict('ALREADY_ISSUED', 'A certificate was already issued for this enrolment', {
          certificateId: existing?.id ?? null,
        });
      }
      throw error;
    }
  }

  /**
   * Issues to every eligible participant; everyone else is reported with the reason.
   * `issuedOn` records history (the demo data set): the HTTP API always issues today.
   */
  async issueForSession(
    actor: Actor,
    sessionId: string,
    options: { issuedOn?: string; lang?: Lang } = {},
  ): Promise<BulkIssueResultDto> {
    return this.dataSource.transaction(async (tx) => {
      const session = await tx.findOne(CourseSession, {
        where: { id: sessionId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!session) throw notFound('Session');
      const ctx = await this.context(tx, actor, sessionId);
      if (options.issuedOn) ctx.issuedOn = options.issuedOn;
      const enrolments = await tx.find(Enrolment, {
        where: { sessionId, status: In(['enrolled', 'completed', 'failed']) },
        order: { createdAt: 'ASC' },
        lock: { mode: 'pessimistic_write' },
      });
      // By enrolment, the key that makes a second issue impossible (certificates_enrolment_key).
      const certified = new Map(
        (
          await tx.find(Certificate, {
            where: { enrolmentId: In(enrolments.map((e) => e.id)) },
            select: { id: true, enrolmentId: true, serial: true },
          })
        ).map((c) => [c.enrolmentId, c]),
      );
      const own = await ownTrainees(
        tx,
        actor,
        enrolments.map((e) => e.traineeId),
      );
      const skipped: SkippedEnrolmentDto[] = [];
      const eligible: Enrolment[] = [];
      for (const enrolment of enrolments) {
        const reason = certificationRefusal(enrolment, ctx.session, ctx.course, {
          ownRecord: own.has(enrolment.traineeId),
          issued: certified.get(enrolment.id) ?? null,
        });
        if (reason) {
          const message = refusalMessage(options.lang ?? 'en', reason);
          skipped.push({ enrolmentId: enrolment.id, code: reason.code, message });
        } else eligible.push(enrolment);
      }
      const positions = await this.statusLists.allocate(tx, eligible.length);
      const issued = await this.create(
        tx,
        actor,
        ctx,
        eligible.map((enrolment, i) => ({ enrolment, position: positions[i] })),
      );
      return { issued, skipped };
    });
  }

  /** The caller must be an instructor assigned to the session and currently qualified for the course. */
  private async context(tx: EntityManager, actor: Actor, sessionId: string): Promise<IssueContext> {
    const session = await tx.findOneByOrFail(CourseSession, { id: sessionId });
    const course = await tx.findOneByOrFail(Course, { id: session.courseId });
    const issuedOn = today(this.config.timeZone);
    await assertMayReach(
      tx,
      actor,
      'certificates.issue',
      { kind: 'session', sessionId },
      'Only an instructor assigned to this session may issue its certificates',
    );
    if (!(await holdsQualification(tx, actor.instructorId!, course.id, issuedOn))) {
      throw forbidden(
        `Your qualification for ${course.code} is not current`,
        'INSTRUCTOR_NOT_QUALIFIED',
      );
    }
    return { session, course, issuedOn };
  }

  /**
   * Signs, stores and audits the new certificates and supersedes what they replace, with a
   * fixed number of statements however many there are.
   */
  private async create(
    tx: EntityManager,
    actor: Actor,
    ctx: IssueContext,
    items: { enrolment: Enrolment; position: StatusPosition }[],
  ): Promise<CertificateDto[]> {
    if (items.length === 0) return [];
    const trainees = new Map(
      (await tx.findBy(Trainee, { id: In(items.map((i) => i.enrolment.traineeId)) })).map((t) => [
        t.id,
        t,
      ]),
    );
    const issuedAt =
      ctx.issuedOn === today(this.config.timeZone)
        ? new Date()
        : new Date(`${ctx.issuedOn}T12:00:00Z`);
    const validUntil =
      ctx.course.validityMonths === null
        ? null
        : addMonths(ctx.issuedOn, ctx.course.validityMonths);
    const serials = await this.freshSerials(tx, ctx.course.code, ctx.issuedOn, items.length);
    const signed = await this.credentials.sign(
      items.map(({ enrolment, position }, i) => {
        const trainee = trainees.get(enrolment.traineeId)!;
        return {
          serial: serials[i],
          holderName: `${trainee.givenName} ${trainee.familyName}`,
          holderEmail: trainee.email,
          course: ctx.course,
          issuedAt,
          validUntil,
          status: position,
        };
      }),
    );
    const certificates = items.map(({ enrolment, position }, i) =>
      tx.create(Certificate, {
        id: randomUUID(),
        serial: serials[i],
        traineeId: enrolment.traineeId,
        courseId: ctx.course.id,
        sessionId: ctx.session.id,
        enrolmentId: enrolment.id,
        issuedBy: actor.instructorId,
        issuedAt,
        validUntil,
        status: 'active',
        statusReason: null,
        statusNote: null,
        statusChangedAt: null,
        statusChangedBy: null,
        supersededById: null,
        imported: false,
        statusListNumber: position.listNumber,
        statusListIndex: position.index,
        credentialJwt: signed[i].jwt,
        credentialDataIntegrity: null,
      }),
    );
    await insertCertificates(tx, certificates);
    // A new certificate of a course, or of a refresher that renews it, replaces the holder's
    // earlier ones: they become superseded and point at the new one; nothing is deleted.
    const superseded = await supersedeEarlier(
      tx,
      certificates,
      [ctx.course.id, ...(ctx.course.renewsCourseId ? [ctx.course.renewsCourseId] : [])],
      actor.userId,
      new Date(),
    );
    const dtoCtx = { baseUrl: this.config.publicBaseUrl, timeZone: this.config.timeZone, actor };
    const dtos = certificates.map((cert) => toCertificateDto(cert, dtoCtx));
    // Each holder is told, in this transaction: a rolled-back issue sends nothing.
    await this.mail.issued(tx, ctx.course, certificates);
    // Last: the audit chain's lock is held until commit.
    await recordMany(
      tx,
      actor,
      dtos.flatMap((dto) => issuanceEvents(dto, superseded.get(dto.id) ?? [])),
    );
    return dtos;
  }

  private async freshSerials(
    tx: EntityManager,
    courseCode: string,
    issuedOn: string,
    count: number,
  ): Promise<string[]> {
    const serials = new Set<string>();
    while (serials.size < count) {
      const wanted = Array.from({ length: count - serials.size }, () =>
        generateSerial(courseCode, issuedOn),
      );
      const taken = new Set(
        (
          (await tx.query('SELECT serial FROM certificates WHERE serial = ANY($1)', [wanted])) as {
            serial: string;
          }[]
        ).map((r) => r.serial),
      );
      for (const s of wanted) if (!taken.has(s)) serials.add(s);
    }
    return [...serials];
  }
}

/** Each superseded certificate's event, then the new certificate's, naming what it replaced. */
function issuanceEvents(dto: CertificateDto, superseded: Supersession[]): AuditInput[] {
  return [
    ...superseded.map((old): AuditInput => ({
      action: 'certificate.superseded',
      entityType: 'certificate',
      entityId: old.id,
      data: {
        before: { status: 'active' },
        after: { status: 'superseded', supersededById: dto.id },
        serial: old.serial,
      },
    })),
    {
      action: 'certificate.issued',
      entityType: 'certificate',
      entityId: dto.id,
      data: {
        after: {
          serial: dto.serial,
          traineeId: dto.traineeId,
          courseId: dto.courseId,
          enrolmentId: dto.enrolmentId,
          validUntil: dto.validUntil,
        },
        supersedes: superseded.map((old) => old.id),
      },
    },
  ];
}
