/** CPU time, for the figures `course check` and `bench:course` print. */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';

export interface CpuTimes {
  /** Seconds of CPU this process used (all its threads). */
  self: number;
  /** Seconds of CPU its child processes used, those that have ended (and their own children); null where the system does not say (not Linux). */
  children: number | null;
}

/** Linux's /proc counts in ticks of 1/100 s (USER_HZ). */
const TICKS = 100;

export async function cpuTimes(): Promise<CpuTimes> {
  const usage = process.cpuUsage();
  const self = (usage.user + usage.system) / 1e6;
  const stat = await readFile('/proc/self/stat', 'utf8').catch(() => null);
  /* c8 ignore next - not Linux: the system does not say what children used */
  if (stat === null) return { self, children: null };
  // the fields after the command name (which may hold spaces) in parentheses; cutime and cstime are the 16th and 17th
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { self, children: (Number(fields[13]) + Number(fields[14])) / TICKS };
}

/** CPU used since `before`. */
export function cpuSince(before: CpuTimes, after: CpuTimes): CpuTimes {
  /* c8 ignore next - children are null only where /proc is missing */
  return { self: after.self - before.self, children: before.children === null || after.children === null ? null : after.children - before.children };
}

/** The 1-minute load average, as `uptime` shows it. */
export function load(): string {
  return loadavg()[0]!.toFixed(2);
}
