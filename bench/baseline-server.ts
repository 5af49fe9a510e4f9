import Fastify from 'fastify';
import pg from 'pg';
import type { VerifiedCertificateRow } from '../src/credentials/verification-cache.js';
import { VERIFY_BY_SERIAL } from '../src/credentials/verify-by-serial.query.js';

/**
 * The yardstick for `GET /verify/:serial`: Fastify and the app's own statement
 * (VERIFY_BY_SERIAL, the same three-table lookup, named and prepared as the app sends it),
 * nothing else: no framework, guards, validation, logging, cache or status rules. What the app
 * achieves is reported as a share of what this achieves on the same machine in the same run.
 */
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
});
const app = Fastify({ logger: false });

app.get<{ Params: { serial: string } }>('/verify/:serial', async (request, reply) => {
  const { rows } = await pool.query<VerifiedCertificateRow>({
    ...VERIFY_BY_SERIAL,
    values: [request.params.serial],
  });
  const row = rows[0];
  if (!row) return reply.code(404).send({ status: 'not_found', valid: false });
  return {
    serial: row.serial,
    valid: row.status === 'active',
    status: row.status,
    holder: `${row.given_name.charAt(0)}. ${row.family_name}`,
    course: { code: row.code, title: row.title },
    issuedAt: row.issued_at.toISOString(),
    validUntil: row.valid_until,
  };
});

app.get('/health/ready', async () => ({ status: 'ok' }));

const stop = async () => {
  await app.close();
  await pool.end();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());

await app.listen({ port: Number(process.env.PORT ?? 3101), host: '127.0.0.1' });
