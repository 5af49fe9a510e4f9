import { readdirSync, readFileSync } from 'node:fs';

/**
 * Where a load run's CPU went, per request: the app's process, PostgreSQL's processes, and the
 * rest of the machine (the load generator in this process, the kernel's own threads). On a
 * machine the three share, requests/s is bounded by the sum: 2 cores and 7.5 ms per request
 * is at most about 265 requests/s however the work is divided. Linux only (/proc); elsewhere
 * nothing is reported.
 */
export interface CpuUse {
  appMs: number;
  databaseMs: number;
  restMs: number;
  /** The machine's busy share over the run, all cores together (1 = every core busy). */
  busy: number;
}

interface Snapshot {
  app: number;
  /** CPU ticks per database process; with a postmaster, its entry includes its reaped children. */
  database: Map<number, number>;
  machineBusy: number;
  machineTotal: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux: /proc counts CPU time in hundredths of a second.

export class CpuMeter {
  /**
   * `databasePid`: the postmaster of the benchmark's own cluster, whose backends are its
   * children; without one (a server behind DATABASE_URL), every process named postgres counts.
   */
  constructor(
    private readonly appPid: number,
    private readonly databasePid?: number,
  ) {}

  /** Call when the run starts; call what it answers when the run ends. */
  start(): (requests: number) => CpuUse | undefined {
    const before = this.snapshot();
    return (requests) => {
      const after = this.snapshot();
      if (!before || !after || requests === 0) return undefined;
      const ms = (ticks: number) => (ticks * TICK_MS) / requests;
      const machine = after.machineBusy - before.machineBusy;
      const app = after.app - before.app;
      const database = this.databasePid
        ? sum(after.database) - sum(before.database)
        : aliveTicks(before.database, after.database);
      return {
        appMs: ms(app),
        databaseMs: ms(database),
        restMs: ms(Math.max(0, machine - app - database)),
        busy: machine / Math.max(1, after.machineTotal - before.machineTotal),
      };
    };
  }

  private snapshot(): Snapshot | undefined {
    try {
      // cpu  user nice system idle iowait irq softirq steal ...: all but idle and iowait is busy.
      const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
      const ticks = fields.slice(1, 9).map(Number);
      const total = ticks.reduce((a, b) => a + b, 0);
      let app = 0;
      const database = new Map<number, number>();
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        const stat = processStat(Number(entry));
        if (!stat) continue;
        if (stat.pid === this.appPid) app += stat.cpu;
        else if (stat.pid === this.databasePid) database.set(stat.pid, stat.cpu + stat.reaped);
        else if (
          this.databasePid ? stat.ppid === this.databasePid : stat.name.startsWith('postgres')
        ) {
          database.set(stat.pid, stat.cpu);
        }
      }
      return {
        app,
        database,
        machineBusy: total - ticks[3] - ticks[4],
        machineTotal: total,
      };
    } catch {
      return undefined;
    }
  }
}

/*
 * Backends come and go during a run (a pool closes its idle connections), and a process that
 * exits takes its ticks with it. With a postmaster, the exited backend's ticks move into the
 * postmaster's reaped-children count, which its entry includes, so the difference of sums stays
 * exact. Without one, only processes alive at the end count, each from its first sighting and
 * never below zero: an undercount of the backends that exited, not a negative figure.
 */
function sum(ticks: Map<number, number>): number {
  let total = 0;
  for (const cpu of ticks.values()) total += cpu;
  return total;
}

function aliveTicks(before: Map<number, number>, after: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, cpu] of after) ticks += Math.max(0, cpu - (before.get(pid) ?? 0));
  return ticks;
}

interface ProcessStat {
  pid: number;
  ppid: number;
  name: string;
  /** Its own CPU ticks, user and system. */
  cpu: number;
  /** CPU ticks of its children that exited and were waited for. */
  reaped: number;
}

function processStat(pid: number): ProcessStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name is in parentheses and may hold spaces; the fields after it are space-separated.
    const close = text.lastIndexOf(')');
    const name = text.slice(text.indexOf('(') + 1, close);
    const rest = text.slice(close + 2).split(' ');
    // rest[1] ppid; rest[11..14] utime, stime, cutime, cstime (fields 4 and 14-17 of proc(5)).
    return {
      pid,
      ppid: Number(rest[1]),
      name,
      cpu: Number(rest[11]) + Number(rest[12]),
      reaped: Number(rest[13]) + Number(rest[14]),
    };
  } catch {
    return null; // gone between the listing and the read
  }
}
