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

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.slots) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
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
