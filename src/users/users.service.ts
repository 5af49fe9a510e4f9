import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccountMail } from '../accounts/account-mail.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { isUniqueViolation } from '../common/database-errors.js';
import { accountEmailProblem, normaliseEmail } from '../common/email.js';
import {
  badRequest,
  conflict,
  notFound,
  referenceNotFound,
  ruleViolation,
} from '../common/errors.js';
import type { Role } from '../common/roles.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { invalidField } from '../common/validation.js';
import { keysetPage, type Page } from '../common/pagination.js';
import { PasswordHasher } from '../auth/password-hasher.js';
import { endSessionsOf } from '../auth/sessions.js';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto, UserDto } from './dto/user.dto.js';
import { User } from './user.entity.js';
import { Instructor } from '../instructors/instructor.entity.js';
import { Trainee } from '../trainees/trainee.entity.js';

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
    private readonly accountMail: AccountMail,
  ) {}

  /**
   * Without a password the account cannot sign in until its person chooses one: an invitation
   * with a link to do so is mailed, in the transaction that creates the account.
   */
  async create(actor: Actor, input: CreateUserDto): Promise<UserDto> {
    const passwordHash =
      input.password === undefined ? null : await this.hasher.hash(input.password);
    return this.dataSource.transaction(async (tx) => {
      const { user, dto } = await this.insert(tx, actor, input, passwordHash);
      if (passwordHash === null) await this.accountMail.sendInvitation(tx, actor, user);
      return dto;
    });
  }

  /** Also used by the bootstrap admin and the demo seed, inside their own transactions. */
  async createInTransaction(
    tx: EntityManager,
    actor: Actor,
    input: Omit<CreateUserDto, 'password'>,
    passwordHash: string,
  ): Promise<UserDto> {
    return (await this.insert(tx, actor, input, passwordHash)).dto;
  }

  private async insert(
    tx: EntityManager,
    actor: Actor,
    input: Omit<CreateUserDto, 'password'>,
    passwordHash: string | null,
  ): Promise<{ user: User; dto: UserDto }> {
    // The API checked it already; the bootstrap admin's address (ADMIN_EMAIL) is checked here.
    const email = normaliseEmail(input.email);
    const emailProblem = accountEmailProblem(email);
    if (emailProblem) throw invalidField('email', 'isAccountEmail', { problem: emailProblem });
    await this.checkLinks(tx, input.traineeId ?? null, input.instructorId ?? null);
    assertCoordinatorHasOrganisation(input.roles, input.organisationId ?? null);
    await this.checkOrganisation(tx, input.organisationId ?? null);
    const user = tx.create(User, {
      email,
      passwordHash,
      roles: [...new Set(input.roles)],
      traineeId: input.traineeId ?? null,
      instructorId: input.instructorId ?? null,
      organisationId: input.organisationId ?? null,
      language: input.language ?? null,
      disabled: false,
    });
    try {
      await tx.save(user);
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_key')) {
        throw conflict('EMAIL_TAKEN', 'An account with this email already exists');
      }
      if (isUniqueViolation(error)) {
        throw conflict(
          'ACCOUNT_ALREADY_LINKED',
          'That trainee or instructor already has an account',
        );
      }
      throw error;
    }
    const dto = UserDto.from(user);
    await this.audit.record(tx, actor, {
      action: 'user.created',
      entityType: 'user',
      entityId: user.id,
      data: { after: dto },
    });
    return { user, dto };
  }

  async list(query: ListUsersQueryDto): Promise<Page<UserDto>> {
    const qb = this.dataSource.getRepository(User).createQueryBuilder('u');
    if (query.role) qb.andWhere(':role = ANY(u.roles)', { role: query.role });
    if (query.email) {
      qb.andWhere("u.email LIKE :email ESCAPE '\\'", {
        email: `%${normaliseEmail(query.email).replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      });
    }
    return keysetPage(qb, {
      alias: 'u',
      sortColumn: 'createdAt',
      sortValue: (u) => u.createdAt,
      query,
      map: UserDto.from,
    });
  }

  async get(id: string): Promise<UserDto> {
    const user = await this.dataSource.getRepository(User).findOneBy({ id });
    if (!user) throw notFound('User');
    return UserDto.from(user);
  }

  async update(actor: Actor, id: string, input: UpdateUserDto): Promise<UserDto> {
    if (
      input.roles === undefined &&
      input.disabled === undefined &&
      input.organisationId === undefined
    ) {
      throw badRequest(
        'VALIDATION_FAILED',
        'Nothing to change: give roles, disabled or organisationId',
        {
          fields: [],
        },
      );
    }
    return this.dataSource.transaction(async (tx) => {
      const user = await tx.findOne(User, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw notFound('User');
      if (
        actor.userId === id &&
        (input.disabled === true || (input.roles && !input.roles.includes('admin')))
      ) {
        throw conflict('SELF_LOCKOUT', 'You cannot disable yourself or remove your own admin role');
      }
      const before = UserDto.from(user);
      if (input.roles) user.roles = [...new Set(input.roles)];
      if (input.disabled !== undefined) user.disabled = input.disabled;
      if (input.organisationId !== undefined) {
        await this.checkOrganisation(tx, input.organisationId);
        user.organisationId = input.organisationId;
      }
      // The account as it will be: a coordinator keeps an organisation whatever changed.
      assertCoordinatorHasOrganisation(user.roles, user.organisationId);
      if (input.disabled === true && !before.disabled) {
        // Disabling ends every session at once, with its access and refresh tokens: enabling
        // the account again does not bring them back.
        await endSessionsOf(tx, id);
      }
      await tx.save(user);
      const after = UserDto.from(user);
      await this.audit.record(tx, actor, {
        action: input.disabled === true && !before.disabled ? 'user.disabled' : 'user.updated',
        entityType: 'user',
        entityId: id,
        data: { before, after },
      });
      return after;
    });
  }

  private async checkOrganisation(tx: EntityManager, organisationId: string | null) {
    if (organisationId && !(await tx.exists(Organisation, { where: { id: organisationId } }))) {
      throw referenceNotFound('organisationId', 'The organisation');
    }
  }

  private async checkLinks(
    tx: EntityManager,
    traineeId: string | null,
    instructorId: string | null,
  ) {
    if (traineeId && !(await tx.exists(Trainee, { where: { id: traineeId } }))) {
      throw referenceNotFound('traineeId', 'The trainee');
    }
    if (instructorId && !(await tx.exists(Instructor, { where: { id: instructorId } }))) {
      throw referenceNotFound('instructorId', 'The instructor');
    }
  }
}

/**
 * A coordinator's reach is their organisation's people (access-policy.ts): without one they
 * would reach no one, so the account is refused rather than left useless.
 */
function assertCoordinatorHasOrganisation(roles: readonly Role[], organisationId: string | null) {
  if (roles.includes('coordinator') && !organisationId) {
    throw ruleViolation(
      'COORDINATOR_NEEDS_ORGANISATION',
      'A coordinator must belong to an organisation: give organisationId',
      { field: 'organisationId' },
    );
  }
}
