import { describe, expect, it } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { encodeStatusList, statusAt } from './bitstring.js';

describe('statusAt', () => {
  it('reads the left-most bit as entry 0', () => {
    // 0b1000_0001: entries 0 and 7 set.
    const list = `u${gzipSync(Buffer.from([0x81, 0x00])).toString('base64url')}`;
    expect([0, 1, 6, 7, 8, 15].map((i) => statusAt(list, i))).toEqual([1, 0, 0, 1, 0, 0]);
  });

  it('round-trips a list of the minimum size', () => {
    const list = encodeStatusList(131_072, [5, 94_567, 131_071]);
    expect(statusAt(list, 5)).toBe(1);
    expect(statusAt(list, 94_567)).toBe(1);
    expect(statusAt(list, 94_566)).toBe(0);
    expect(statusAt(list, 131_071)).toBe(1);
  });

  it('reads entries several bits wide', () => {
    // 0b10_11_00_01: entries of 2 bits are 2, 3, 0, 1.
    const list = `u${gzipSync(Buffer.from([0b10110001])).toString('base64url')}`;
    expect([0, 1, 2, 3].map((i) => statusAt(list, i, 2))).toEqual([2, 3, 0, 1]);
  });

  it.each([
    ['not multibase', 'H4sIAAAAAAAAA'],
    ['not gzip', `u${Buffer.from('plain').toString('base64url')}`],
    ['not a string', 42],
  ])('gives null for a list that is %s', (_case, list) => {
    expect(statusAt(list, 0)).toBeNull();
  });

  it('gives null outside the list and for a negative index', () => {
    const list = encodeStatusList(16, [1]);
    expect(statusAt(list, 16)).toBeNull();
    expect(statusAt(list, -1)).toBeNull();
  });
});
