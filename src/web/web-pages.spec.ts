import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MESSAGES } from './i18n.js';
import { pageFor, WEB_PAGES } from './web-pages.js';

const ASSETS = join(process.cwd(), 'src', 'web', 'assets');

function scripts(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return scripts(path);
    return name.endsWith('.js') ? [path] : [];
  });
}

describe('web pages', () => {
  it('maps paths under /app to pages, and nothing else', () => {
    expect(pageFor(['catalogue'])).toBe('catalogue');
    expect(pageFor(['sessions', '3f2b6c1e-0000-4000-8000-000000000000'])).toBe('sessions/:id');
    expect(pageFor(['sessions', '3f2b6c1e-0000-4000-8000-000000000000', 'roster'])).toBe(
      'sessions/:id/roster',
    );
    expect(pageFor(['home'])).toBeNull();
    expect(pageFor(['nope'])).toBeNull();
    expect(pageFor(['sessions', '<script>'])).toBeNull();
    expect(pageFor(['catalogue', 'a', 'b', 'c'])).toBeNull();
  });

  it('has a script for every page', () => {
    for (const page of Object.values(WEB_PAGES)) {
      expect(existsSync(join(ASSETS, 'pages', page.module))).toBe(true);
    }
  });

  it('has a message in every language for every key the scripts name', () => {
    const used = new Set<string>();
    for (const file of scripts(ASSETS)) {
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) used.add(match[1]);
    }
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((key) => !Object.hasOwn(MESSAGES.en, key));
    expect(missing).toEqual([]);
  });

  it('writes no markup from strings in the scripts (text only, through dom.js)', () => {
    for (const file of scripts(ASSETS)) {
      expect(readFileSync(file, 'utf8')).not.toMatch(
        /innerHTML|outerHTML|insertAdjacentHTML|eval\(/,
      );
    }
  });
});
