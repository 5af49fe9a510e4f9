import Fastify from 'fastify';
import pg from 'pg';

/**
 * The yardstick for `GET /verify/:serial`: Fastify and one prepared query, nothing else (no
 * framework, guards, validation, logging or status rules). What the app achieves is reported as
 * a share of what this achieves on the same machine in the same run.
 */
const VERIFY_SQL = `SELECT c.serial, c.status, c.valid_until, c.issued_at, c.status_reason,
       t.given_name, t.family_name, co.code, co.title
  FROM certificates c
  JOIN trainees t ON t.id = c.trainee_id
  JOIN courses co ON co.id = c.course_id
 WHERE c.serial = $1`;

interface Row {
  serial: string;
  status: string;
  valid_until: string | null;
  issued_at: Date;
  status_reason: string | null;
  given_name: string;
  family_name: string;
  code: string;
  title: string;
}

pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
});
const app = Fastify({ logger: false });

app.get<{ Params: { serial: string } }>('/verify/:serial', async (request, reply) => {
  const { rows } = await pool.query<Row>({
    name: 'verify',
    text: VERIFY_SQL,
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
