import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { jsonLimitBreach, type JsonLimits } from './json-limits.js';

const roomy: JsonLimits = { maxDepth: 100, maxKeys: 1_000_000, maxArrayLength: 1_000_000 };

/** What the scan must find, measured on the parsed value. */
function measure(value: unknown, depth = 1): { depth: number; keys: number; longest: number } {
  if (typeof value !== 'object' || value === null) return { depth: 0, keys: 0, longest: 0 };
  const children = Array.isArray(value) ? value : Object.values(value);
  const own = {
    depth,
    keys: Array.isArray(value) ? 0 : children.length,
    longest: Array.isArray(value) ? children.length : 0,
  };
  return children.reduce<typeof own>((acc, child) => {
    const inner = measure(child, depth + 1);
    return {
      depth: Math.max(acc.depth, inner.depth),
      keys: acc.keys + inner.keys,
      longest: Math.max(acc.longest, inner.longest),
    };
  }, own);
}

describe('jsonLimitBreach', () => {
  it('counts keys, array items and depth outside strings only', () => {
    const text = JSON.stringify({ 'a:b': '{[",:]}', c: ['x,y', '\\"', [1, 2], {}], d: { e: [] } });
    expect(jsonLimitBreach(text, { ...roomy, maxKeys: 4 })).toBeUndefined();
    expect(jsonLimitBreach(text, { ...roomy, maxKeys: 3 })).toEqual({ limit: 'keys', max: 3 });
    expect(jsonLimitBreach(text, { ...roomy, maxArrayLength: 4 })).toBeUndefined();
    expect(jsonLimitBreach(text, { ...roomy, maxArrayLength: 3 })).toEqual({
      limit: 'arrayLength',
      max: 3,
    });
    expect(jsonLimitBreach(text, { ...roomy, maxDepth: 3 })).toBeUndefined();
    expect(jsonLimitBreach(text, { ...roomy, maxDepth: 2 })).toEqual({ limit: 'depth', max: 2 });
    expect(jsonLimitBreach('[ ]', { ...roomy, maxArrayLength: 0 })).toBeUndefined();
    expect(jsonLimitBreach('"[[[["', { ...roomy, maxDepth: 1 })).toBeUndefined();
  });

  it('agrees with a walk over the parsed value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 2), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        const { depth, keys, longest } = measure(JSON.parse(text));
        const exact: JsonLimits = { maxDepth: depth, maxKeys: keys, maxArrayLength: longest };
        expect(jsonLimitBreach(text, exact)).toBeUndefined();
        if (depth > 0)
          expect(jsonLimitBreach(text, { ...exact, maxDepth: depth - 1 })?.limit).toBe('depth');
        if (keys > 0)
          expect(jsonLimitBreach(text, { ...roomy, maxKeys: keys - 1 })?.limit).toBe('keys');
        if (longest > 0)
          expect(jsonLimitBreach(text, { ...roomy, maxArrayLength: longest - 1 })?.limit).toBe(
            'arrayLength',
          );
      }),
      { numRuns: 500 },
    );
  });
});
