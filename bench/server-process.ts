import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, writeFileSync, closeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A server under test in a process of its own (so its memory is its own), logging to a file
 * rather than through a pipe the load generator would have to drain.
 */
export class ServerProcess {
  private readonly child: ChildProcess;
  private exited = false;
  private sampler?: NodeJS.Timeout;
  /** Highest resident set seen by sampling since the last reset, in bytes. */
  sampledPeak = 0;

  constructor(
    readonly name: string,
    script: string,
    env: Record<string, string>,
    logFile: string,
    readonly baseUrl: string,
    nodeArgs: string[] = [],
  ) {
    const fd = openSync(logFile, 'w');
    this.child = spawn(process.execPath, [...nodeArgs, script], {
      env: { ...process.env, ...env },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    this.child.once('exit', () => (this.exited = true));
  }

  get pid(): number {
    return this.child.pid!;
  }

  async waitReady(path = '/health/ready', timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`${this.name} exited during start-up (see its log)`);
      try {
        const res = await fetch(`${this.baseUrl}${path}`);
        if (res.ok) {
          this.startSampling();
          return;
        }
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    throw new Error(`${this.name} was not ready within ${timeoutMs / 1000} s`);
  }

  private status(): Record<string, number> {
    const out: Record<string, number> = {};
    try {
      for (const line of readFileSync(`/proc/${this.pid}/status`, 'utf8').split('\n')) {
        const m = /^(VmRSS|VmHWM):\s+(\d+) kB/.exec(line);
        if (m) out[m[1]] = Number(m[2]) * 1024;
      }
    } catch {
      // process gone, or no /proc (not Linux)
    }
    return out;
  }

  private startSampling(): void {
    this.sampler = setInterval(() => {
      this.sampledPeak = Math.max(this.sampledPeak, this.status().VmRSS ?? 0);
    }, 200);
    this.sampler.unref();
  }

  /** Starts a new peak: the kernel's high-water mark (VmHWM) is reset through clear_refs. */
  resetPeak(): void {
    this.sampledPeak = this.status().VmRSS ?? 0;
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
    } catch {
      // not permitted: VmHWM then stays the peak since start
    }
  }

  /** Peak resident memory since the last reset: the kernel's VmHWM, or the sampled peak. */
  peakRss(): number {
    return Math.max(this.status().VmHWM ?? 0, this.sampledPeak);
  }

  async stop(): Promise<void> {
    if (this.sampler) clearInterval(this.sampler);
    if (this.exited) return;
    this.child.kill('SIGTERM');
    for (let i = 0; i < 100 && !this.exited; i++) await sleep(100);
    if (!this.exited) this.child.kill('SIGKILL');
  }
}
