import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../common/actor.js';
import { AppConfig } from '../config/app-config.js';
import { PasswordHasher } from '../auth/password-hasher.js';
import { passwordProblem } from '../auth/password-policy.js';
import { UsersService } from './users.service.js';
import { ADVISORY_LOCKS } from '../database/advisory-locks.js';

const BOOTSTRAP_LOCK = ADVISORY_LOCKS.bootstrapAdmin;

/** api.md: on start, if ADMIN_EMAIL and ADMIN_PASSWORD are set and no admin exists, create it. */
@Injectable()
export class BootstrapAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapAdmin.name);

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.config;
    if (!adminEmail || !adminPassword) return;
    const problem = passwordProblem(adminPassword, { email: adminEmail });
    if (problem) throw new Error(`ADMIN_PASSWORD: ${problem}`);
    const passwordHash = await this.hasher.hash(adminPassword);
    const created = await this.dataSource.transaction(async (tx) => {
      // Several instances may start at once; only one of them creates the admin.
      await tx.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
      const [{ count }] = (await tx.query(
        "SELECT count(*)::int AS count FROM users WHERE 'admin' = ANY(roles)",
      )) as { count: number }[];
      if (count > 0) return false;
      await this.users.createInTransaction(
        tx,
        SYSTEM_ACTOR,
        { email: adminEmail, roles: ['admin'] },
        passwordHash,
      );
      return true;
    });
    if (created) this.logger.log(`Created the bootstrap admin ${adminEmail}`);
  }
}
