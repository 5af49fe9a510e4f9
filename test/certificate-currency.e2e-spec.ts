import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  currentOnSql,
  effectiveStatus,
  effectiveStatusSql,
  expiredOnSql,
  isCurrentOn,
} from '../src/certifications/certificate-status.js';
import { STORED_CERTIFICATE_STATUSES } from '../src/certifications/certificate.entity.js';
import { startTestApp, type TestApp } from './app.js';
import { makeCertificate, makeCourse, makeTrainee } from './fixtures.js';

/**
 * "Is a certificate current or expired" has one home (certificate-status.ts), written twice
 * there: in TypeScript and as SQL conditions for queries. Both are asked here about every
 * stored status and a last valid day before, on and after the day in question, on PostgreSQL.
 */
describe('current or expired: the SQL conditions say what effectiveStatus says', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('for every stored status and valid-until date, on each day', async () => {
    const course = await makeCourse(t.db);
    const trainee = await makeTrainee(t.db);
    const certificates = [];
    for (const status of STORED_CERTIFICATE_STATUSES) {
      for (const validUntil of [null, '2026-12-06', '2026-12-07', '2026-12-08']) {
        const cert = await makeCertificate(t.db, {
          traineeId: trainee.id,
          courseId: course.id,
          status,
          validUntil,
        });
        certificates.push({ id: cert.id, status, validUntil });
      }
    }
    for (const day of ['2026-12-06', '2026-12-07', '2026-12-08']) {
      const rows = (await t.db.query(
        `SELECT c.id, ${effectiveStatusSql('c', '$2::date')} AS status,
                ${currentOnSql('c', '$2::date')} AS current,
                ${expiredOnSql('c', '$2::date')} IS TRUE AS expired
           FROM certificates c
          WHERE c.trainee_id = $1`,
        [trainee.id, day],
      )) as { id: string; status: string; current: boolean; expired: boolean }[];
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const cert of certificates) {
        const expected = effectiveStatus(cert, day);
        expect({ day, ...cert, sql: byId.get(cert.id) }).toEqual({
          day,
          ...cert,
          sql: {
            id: cert.id,
            status: expected,
            current: isCurrentOn(cert, day),
            expired: expected === 'expired',
          },
        });
      }
    }
  });
});
