import { describe, expect, it } from '@jest/globals';
import { ConcurrencyLimit } from './concurrency-limit.js';

describe('ConcurrencyLimit', () => {
  it('runs at most its slots at once, the rest in arrival order, and frees a slot on failure', async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const releases: (() => void)[] = [];
    const job = (n: number, fail = false) =>
      limit.run(async () => {
        started.push(n);
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
        if (fail) throw new Error(`job ${n} failed`);
        return n;
      });
    const failed = job(1, true).catch((error: Error) => error.message);
    const jobs = [job(2), job(3), job(4), job(5)];
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    await tick();
    expect(started).toEqual([1, 2]);
    releases.shift()!(); // job 1 fails: its slot goes to job 3
    await tick();
    expect(started).toEqual([1, 2, 3]);
    while (releases.length > 0) {
      releases.shift()!();
      await tick();
    }
    expect(await failed).toBe('job 1 failed');
    expect(await Promise.all(jobs)).toEqual([2, 3, 4, 5]);
    expect(started).toEqual([1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
  });

  it('lets a caller who hung up leave the line, and the next one takes its place', async () => {
    const limit = new ConcurrencyLimit(1);
    let release: () => void = () => undefined;
    const order: string[] = [];
    const first = limit.run(() =>
      new Promise<void>((resolve) => (release = resolve)).then(() => order.push('first')),
    );
    const hangUp = new AbortController();
    const gone = limit
      .run(async () => order.push('gone'), hangUp.signal)
      .catch((error: Error) => error.message);
    const next = limit.run(async () => order.push('next'));
    hangUp.abort(new Error('hung up'));
    expect(await gone).toBe('hung up');
    release();
    await Promise.all([first, next]);
    expect(order).toEqual(['first', 'next']);
    // An abort after the turn came changes nothing.
    const late = new AbortController();
    const ran = limit.run(async () => 'ran', late.signal);
    late.abort();
    expect(await ran).toBe('ran');
  });
});
