import cliProgress from 'cli-progress';
import type { Writable } from 'node:stream';

export interface ProgressBars {
  update(phase: string, done: number, total: number): void;
  stop(): void;
}

const QUIET: ProgressBars = { update: () => undefined, stop: () => undefined };

/** One bar per phase of long work (reading, checking, writing...), drawn on stderr. */
export function progressBars(stream: Writable, enabled: boolean): ProgressBars {
  if (!enabled) return QUIET;
  let bar: cliProgress.SingleBar | undefined;
  let phase = '';
  return {
    update(next, done, total) {
      if (next !== phase || !bar) {
        bar?.stop();
        phase = next;
        bar = new cliProgress.SingleBar(
          {
            stream: stream as NodeJS.WritableStream,
            format: `${next.padEnd(9)} [{bar}] {percentage}% | {value}/{total}`,
            hideCursor: true,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(total, 1), done);
      } else {
        bar.setTotal(Math.max(total, 1));
        bar.update(done);
      }
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
