import { beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { AuditSequencer } from './audit-sequencer.js';

/** A connection as the group commit sees it: only which one a run is led on matters here. */
const connection = (name: string) => ({ name }) as unknown as QueryRunner;
const nameOf = (queryRunner: QueryRunner) => (queryRunner as unknown as { name: string }).name;

/** Runs that finish when the test says so, recording who led each and what was committed. */
class Runs {
  readonly led: string[] = [];
  private readonly open: { finish: (ok: boolean) => void }[] = [];
  running = 0;
  maxRunning = 0;

  readonly run = (queryRunner: QueryRunner): Promise<number> => {
    this.led.push(nameOf(queryRunner));
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    return new Promise<number>((resolve, reject) =>
      this.open.push({
        finish: (ok) => {
          this.running -= 1;
          if (ok) resolve(1);
          else reject(new Error('database gone'));
        },
      }),
    );
  };

  /** Ends the oldest run under way, then lets every awakened caller take its next step. */
  async finish(ok = true): Promise<void> {
    this.open.shift()!.finish(ok);
    await settle();
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** The callers whose afterCommit has returned (their events are in the chain, or left). */
function track(sequencer: AuditSequencer, names: string[], done: Set<string>): void {
  for (const name of names) {
    void sequencer.afterCommit(connection(name)).then(() => done.add(name));
  }
}

describe('audit sequencing: group commit', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('a lone commit leads a run on its own connection', async () => {
    const runs = new Runs();
    const done = new Set<string>();
    track(new AuditSequencer(runs.run), ['a'], done);
    await settle();
    expect(runs.led).toEqual(['a']);
    await runs.finish();
    expect(done).toEqual(new Set(['a']));
  });

  it('commits during a run wait for the next run, which one of them leads; one run at a time', async () => {
    const runs = new Runs();
    const sequencer = new AuditSequencer(runs.run);
    const done = new Set<string>();
    track(sequencer, ['a'], done);
    await settle();
    // b, c and d commit while a's run is under way: it may have read before their commits.
    track(sequencer, ['b', 'c', 'd'], done);
    await settle();
    expect(runs.led).toEqual(['a']);
    await runs.finish();
    expect(done).toEqual(new Set(['a']));
    // b leads the next run for all three, on its own connection.
    expect(runs.led).toEqual(['a', 'b']);
    track(sequencer, ['e'], done);
    await settle();
    await runs.finish();
    expect(done).toEqual(new Set(['a', 'b', 'c', 'd']));
    // e committed during b's run: a third run, which e leads.
    expect(runs.led).toEqual(['a', 'b', 'e']);
    await runs.finish();
    expect(done).toEqual(new Set(['a', 'b', 'c', 'd', 'e']));
    expect(runs.maxRunning).toBe(1);
  });

  it('after a failed run the next waiter tries again, and each leads at most once', async () => {
    const runs = new Runs();
    const sequencer = new AuditSequencer(runs.run);
    const done = new Set<string>();
    track(sequencer, ['a'], done);
    await settle();
    track(sequencer, ['b', 'c'], done);
    await settle();
    await runs.finish(false);
    expect(done).toEqual(new Set(['a']));
    expect(runs.led).toEqual(['a', 'b']);
    await runs.finish(false);
    expect(runs.led).toEqual(['a', 'b', 'c']);
    await runs.finish(false);
    // Nobody hangs: the events stay pending for the sweeper.
    expect(done).toEqual(new Set(['a', 'b', 'c']));
    // And the next commit leads a run of its own.
    track(sequencer, ['d'], done);
    await settle();
    expect(runs.led).toEqual(['a', 'b', 'c', 'd']);
    await runs.finish();
    expect(done.has('d')).toBe(true);
  });

  it('the sweeper leads only when no run is under way', async () => {
    const runs = new Runs();
    const sequencer = new AuditSequencer(runs.run);
    const done = new Set<string>();
    track(sequencer, ['a'], done);
    await settle();
    expect(await sequencer.sweep(connection('sweeper'))).toBe(0);
    expect(runs.led).toEqual(['a']);
    await runs.finish();
    const swept = sequencer.sweep(connection('sweeper'));
    await settle();
    expect(runs.led).toEqual(['a', 'sweeper']);
    // A commit during the sweep waits for a run after it.
    track(sequencer, ['b'], done);
    await settle();
    await runs.finish();
    expect(await swept).toBe(1);
    expect(done.has('b')).toBe(false);
    expect(runs.led).toEqual(['a', 'sweeper', 'b']);
    await runs.finish();
    expect(done.has('b')).toBe(true);
  });
});
