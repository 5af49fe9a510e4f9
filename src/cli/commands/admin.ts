import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AuditQueryService } from '../../audit/audit-query.service.js';
import { SigningKeysService } from '../../credentials/signing-keys.service.js';
import { CreateUserDto } from '../../users/dto/user.dto.js';
import { UsersService } from '../../users/users.service.js';
import { EXIT, line, UsageError } from '../cli-io.js';
import { cliActor, withApp, type CliCommand } from '../command.js';
import { withoutPassword } from '../database.js';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export const createAdminCommand: CliCommand = {
  name: 'create-admin',
  summary: 'Create an administrator account',
  usage: 'create-admin --email EMAIL (--password PASSWORD | --password-stdin)',
  details: `Creates an account with the admin role. The password follows the same rules as in
the API (12 to 128 characters, not a common password). --password-stdin reads it from
standard input, which keeps it out of the shell history and the process list.

  --email EMAIL        the account's email (unique)
  --password PASSWORD  its password
  --password-stdin     read the password from standard input (one line)`,
  options: {
    email: { type: 'string' },
    password: { type: 'string' },
    'password-stdin': { type: 'boolean' },
  },
  async run({ values, positionals, env }) {
    if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}"`);
    if (typeof values.email !== 'string') throw new UsageError('Missing --email');
    const password = values['password-stdin']
      ? (await readAll(env.io.stdin)).replace(/\r?\n$/, '')
      : values.password;
    if (typeof password !== 'string')
      throw new UsageError('Missing --password or --password-stdin');
    const input = plainToInstance(CreateUserDto, {
      email: values.email,
      password,
      roles: ['admin'],
    });
    const problems = validateSync(input).flatMap((e) => Object.values(e.constraints ?? {}));
    if (problems.length > 0) throw new UsageError(problems.join('; '));
    const user = await withApp(env, (app) =>
      app.get(UsersService, { strict: false }).create(cliActor('create-admin'), input),
    );
    line(env.io.stdout, `Created the admin ${user.email} (id ${user.id}).`);
    return EXIT.ok;
  },
};

export const rotateKeyCommand: CliCommand = {
  name: 'rotate-key',
  summary: 'Replace the credential signing key with a new one',
  usage: 'rotate-key',
  details: `Creates a new Ed25519 signing key for credentials issued from now on and retires the
current one. Credentials signed before stay verifiable: retired keys remain published in
/.well-known/jwks.json. Running servers pick up the new key within 30 seconds.`,
  options: {},
  async run({ positionals, env }) {
    if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}"`);
    const result = await withApp(env, (app) =>
      app.get(SigningKeysService, { strict: false }).rotate(cliActor('rotate-key')),
    );
    line(
      env.io.stdout,
      `New signing key ${result.kid}${result.previousKid ? ` (retired ${result.previousKid})` : ''}.`,
    );
    return EXIT.ok;
  },
};

export const verifyAuditCommand: CliCommand = {
  name: 'verify-audit',
  summary: 'Check the audit trail’s hash chain from the first event to the last',
  usage: 'verify-audit',
  details: `Recomputes every audit event's hash and its link to the one before. Exits 0 when the
chain is intact, 1 when an event was changed or removed (its id is printed).`,
  options: {},
  async run({ positionals, env }) {
    if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}"`);
    const result = await withApp(env, (app) =>
      app.get(AuditQueryService, { strict: false }).verifyChain(),
    );
    if (result.intact) {
      line(env.io.stdout, `Audit trail intact: ${result.checked} events checked.`);
      return EXIT.ok;
    }
    line(
      env.io.stdout,
      `Audit trail BROKEN at event ${result.firstBrokenId} (after ${result.checked - 1} good events).`,
    );
    return EXIT.failure;
  },
};

export const dbLocationCommand: CliCommand = {
  name: 'db-location',
  summary: 'Show which database the service and this command line use',
  usage: 'db-location',
  details: `Prints DATABASE_URL (password hidden) when it is set; otherwise the embedded
PostgreSQL's data directory and port, and whether it is running.`,
  options: {},
  async run({ positionals, env }) {
    if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}"`);
    const location = await env.locateDatabase();
    const out = env.io.stdout;
    if (location.kind === 'url') {
      line(out, `DATABASE_URL: ${withoutPassword(location.url)}`);
    } else {
      line(out, `Embedded PostgreSQL`);
      line(out, `  data directory: ${location.dataDir}`);
      line(out, `  port:           ${location.port} on 127.0.0.1`);
      line(out, `  running:        ${location.running ? 'yes' : 'no'}`);
    }
    return EXIT.ok;
  },
};
