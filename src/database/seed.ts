import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { PasswordHasher } from '../auth/password-hasher.js';
import { SYSTEM_ACTOR } from '../common/actor.js';
import type { Role } from '../common/roles.js';
import type { AppConfig } from '../config/app-config.js';
import { UsersService } from '../users/users.service.js';
import { dataSourceOptions } from './data-source-options.js';

export const DEMO_PASSWORD = 'Demining-Demo-2026';

export interface DemoAccount {
  role: Role;
  email: string;
  password: string;
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { role: 'admin', email: 'registrar@coe.example', password: DEMO_PASSWORD },
  { role: 'instructor', email: 'r.aliyev@coe.example', password: DEMO_PASSWORD },
  { role: 'trainee', email: 'leyla.huseynova@example.az', password: DEMO_PASSWORD },
  { role: 'auditor', email: 'qa.inspector@anama.example', password: DEMO_PASSWORD },
];

/**
 * Loads the demo data set through the same services the API uses, so it leaves the same
 * audit events. Returns false when the database already holds users and `onlyIfEmpty` is set.
 */
export async function seedDemoData(
  url: string,
  _config: AppConfig,
  options: { onlyIfEmpty: boolean },
): Promise<boolean> {
  const dataSource = new DataSource(dataSourceOptions(url, 2));
  await dataSource.initialize();
  try {
    if (options.onlyIfEmpty) {
      const [{ count }] = (await dataSource.query('SELECT count(*)::int AS count FROM users')) as {
        count: number;
      }[];
      if (count > 0) return false;
    }
    const audit = new AuditService();
    const hasher = new PasswordHasher();
    const users = new UsersService(dataSource, audit, hasher);
    const passwordHash = await hasher.hash(DEMO_PASSWORD);
    await dataSource.transaction(async (tx) => {
      for (const account of DEMO_ACCOUNTS) {
        await users.createInTransaction(
          tx,
          SYSTEM_ACTOR,
          { email: account.email, roles: [account.role] },
          passwordHash,
        );
      }
    });
    return true;
  } finally {
    await dataSource.destroy();
  }
}
