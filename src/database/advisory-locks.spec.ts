import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADVISORY_LOCKS } from './advisory-locks.js';

/** The test suite's own lock on its template database (test/database.ts). */
const TEST_TEMPLATE_LOCK = 740_118_099;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('advisory lock registry', () => {
  it('gives every lock its own id', () => {
    const ids = Object.values(ADVISORY_LOCKS);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(TEST_TEMPLATE_LOCK);
  });

  it('is the only place an id is written: no service takes a lock by a literal number', () => {
    const offenders = sourceFiles(join(process.cwd(), 'src'))
      .filter((file) => !file.endsWith('advisory-locks.ts'))
      .filter((file) => /pg_advisory|740_?118/.test(readFileSync(file, 'utf8')))
      .filter((file) => /740_?118_?\d{3}/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
