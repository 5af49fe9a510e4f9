/**
 * At most `slots` calls run at once; the others wait their turn, first come first served.
 * For work whose cost is memory and CPU in this process (a report over all data holds tens of
 * megabytes until it is sent): fifty at once would hold fifty times that, and finish no sooner
 * on the same cores.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly slots: number) {}

  /**
   * Runs `work` when a slot is free. If `signal` aborts while the call still waits (its caller
   * hung up), it leaves the line and rejects with the signal's reason: nothing is computed for
   * nobody, and those behind it move up.
   */
  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (this.running >= this.slots) {
      await new Promise<void>((resolve, reject) => {
        const turn = () => {
          signal?.removeEventListener('abort', leave);
          resolve();
        };
        const leave = () => {
          this.waiting.splice(this.waiting.indexOf(turn), 1);
          reject(signal!.reason);
        };
        this.waiting.push(turn);
        signal?.addEventListener('abort', leave, { once: true });
      });
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, or is given back.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
