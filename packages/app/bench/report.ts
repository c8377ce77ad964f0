/**
 * The bench's arguments and its report: what one run measured, the medians
 * over the runs, and the table `pnpm bench` prints. No I/O here, so it is
 * tested like any other code (test/bench-report.test.ts).
 */
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Seconds of each measurement. */
  duration: number;
  /** Connections of the `GET /profile` throughput measurement. */
  connections: number;
  /** Times everything is measured; the report gives the median of each figure. */
  runs: number;
  /** bcrypt work factor of the service (and of the ceiling it is compared with). */
  bcryptCost: number;
  /** Users in the table besides the one measured. */
  users: number;
  /** The PostgreSQL server; the bench makes a database of its own there and drops it. */
  databaseUrl: string;
  /** Where the JSON report goes. */
  out: string;
  /** Also time the start on the embedded database (a new data folder, then the same folder again). */
  pglite: boolean;
  /** LOG_LEVEL of the service under test. */
  logLevel: string;
}

export const usage = `pnpm bench [--runs 3] [--duration 5] [--connections 10] [--bcrypt-cost 12] [--users 10000]
           [--database-url postgres://postgres@127.0.0.1:5432/test] [--out FILE] [--no-pglite] [--log-level info]`;

/** A bad argument: the message says which and shows the usage. */
export class BenchUsageError extends Error {
  constructor(problem: string) {
    super(`${problem}\nusage: ${usage}`);
    this.name = 'BenchUsageError';
  }
}

export function parseBenchArgs(argv: readonly string[], env: NodeJS.ProcessEnv, defaultOut: string): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      // `pnpm bench -- --runs 3` passes the `--` along.
      args: argv.filter((arg) => arg !== '--'),
      options: {
        runs: { type: 'string', default: '1' },
        duration: { type: 'string', default: '5' },
        connections: { type: 'string', default: '10' },
        'bcrypt-cost': { type: 'string', default: '12' },
        users: { type: 'string', default: '10000' },
        'database-url': { type: 'string' },
        out: { type: 'string', default: defaultOut },
        'no-pglite': { type: 'boolean', default: false },
        'log-level': { type: 'string', default: 'info' },
      },
    }));
  } catch (error) {
    throw new BenchUsageError((error as Error).message);
  }
  const whole = (name: string, text: string, min: number, max: number): number => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) throw new BenchUsageError(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`);
    return value;
  };
  const databaseUrl = values['database-url'] ?? env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) throw new BenchUsageError('--database-url (or DATABASE_URL) must be a postgres:// URL');
  return {
    runs: whole('runs', values.runs, 1, 9),
    duration: whole('duration', values.duration, 1, 60),
    connections: whole('connections', values.connections, 1, 1000),
    bcryptCost: whole('bcrypt-cost', values['bcrypt-cost'], 4, 31),
    users: whole('users', values.users, 0, 1_000_000),
    databaseUrl,
    out: values.out,
    pglite: !values['no-pglite'],
    logLevel: values['log-level'],
  };
}

/** Throughput and tail latency of one autocannon measurement. */
export interface Load {
  rps: number;
  p99: number;
  /** Responses that were not 2xx, plus connection errors and timeouts. */
  failures: number;
  /** The server process's CPU time per request answered, in µs (user and system, from /proc); absent when two loads shared the process. */
  cpuUs?: number;
}

/** Everything one run measures. Times in milliseconds, memory in MiB. */
export interface RunResult {
  /**
   * `GET /profile`: the bare baseline measured before and after the others, the
   * service, and the service's route alone on a bare Fastify (bench/route-alone.mjs).
   */
  profile: { baselineBefore: Load; service: Load; routeAlone: Load; baselineAfter: Load };
  /** One bcrypt compare at the service's cost, timed one at a time (mean of the medians before and after the logins). */
  compareMs: number;
  /** Compares per second with one running on every core at once. */
  parallelCompareRate: number;
  /** The cores the service may use. */
  cores: number;
  /** `POST /sessions` alone, enough connections to keep every core hashing. */
  login: Load;
  /** `GET /profile` at a fixed gentle rate while logins saturate the CPU. */
  saturated: { profile: Load; login: Load };
  /** The peak resident memory (VmHWM) of the service over the whole run: the `GET /profile` throughput test, then the logins. */
  peakRssMiB: number;
  /** The same service's peak after the `GET /profile` throughput test, before the logins. */
  throughputPeakRssMiB?: number;
  /**
   * From spawning the process to its first HTTP answer: wall clock, and the CPU time the process used. The built
   * server on PostgreSQL and on the embedded database (a new data folder, then the same one again), and
   * `pnpm start` (tsx) on a new data folder.
   */
  ready: { postgres: Readiness; pgliteNew?: Readiness; pgliteExisting?: Readiness; pnpmStartNew?: Readiness };
}

export interface Readiness {
  wallMs: number;
  cpuMs: number;
}

/** The mean of two figures, or `undefined` when either is missing. */
function mean(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : (a + b) / 2;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** One line of the report: a figure, what it is compared with, and the target it must meet. */
export interface Row {
  measure: string;
  value: number;
  unit: string;
  /** The reference measured in the same run, when the target is a ratio to it. */
  reference?: number;
  ratio?: number;
  /** `>= 0.8` of the ratio, or `<= 50` of the value; absent when the figure is only reported. */
  target?: { op: '>=' | '<='; limit: number; of: 'ratio' | 'value' };
  met?: boolean;
}

function meets(target: NonNullable<Row['target']>, figure: number): boolean {
  return target.op === '>=' ? figure >= target.limit : figure <= target.limit;
}

/** The report's rows: each figure is the median over the runs of that run's figure (ratios are taken within a run first). */
export function summarize(runs: readonly RunResult[]): Row[] {
  const of = (pick: (run: RunResult) => number | undefined): number => median(runs.map(pick).filter((v): v is number => v !== undefined));
  const baselineRps = (run: RunResult) => (run.profile.baselineBefore.rps + run.profile.baselineAfter.rps) / 2;
  const baselineP99 = (run: RunResult) => (run.profile.baselineBefore.p99 + run.profile.baselineAfter.p99) / 2;
  const ceiling = (run: RunResult) => run.cores / (run.compareMs / 1000);
  const baselineCpu = (run: RunResult) => mean(run.profile.baselineBefore.cpuUs, run.profile.baselineAfter.cpuUs);

  const row = (measure: string, unit: string, value: (run: RunResult) => number | undefined, limit?: number): Row => {
    const result: Row = { measure, value: of(value), unit };
    if (limit !== undefined) {
      result.target = { op: '<=', limit, of: 'value' };
      result.met = meets(result.target, result.value);
    }
    return result;
  };
  type Figure = (run: RunResult) => number | undefined;
  const ratioRow = (measure: string, unit: string, value: Figure, reference: Figure, limit?: number): Row => {
    const ratio = (run: RunResult) => {
      const [v, r] = [value(run), reference(run)];
      return v === undefined || r === undefined ? undefined : v / r;
    };
    const result: Row = { measure, value: of(value), unit, reference: of(reference), ratio: of(ratio) };
    if (limit !== undefined) {
      result.target = { op: '>=', limit, of: 'ratio' };
      result.met = meets(result.target, result.ratio!);
    }
    return result;
  };

  const rows: Row[] = [
    ratioRow('GET /profile throughput (vs bare Fastify + pg)', 'req/s', (run) => run.profile.service.rps, baselineRps, 0.5),
    ratioRow('GET /profile p99 (vs bare Fastify + pg)', 'ms', (run) => run.profile.service.p99, baselineP99),
    ratioRow('GET /profile throughput of its route alone (vs bare Fastify + pg)', 'req/s', (run) => run.profile.routeAlone.rps, baselineRps),
    ratioRow('CPU per GET /profile, service (vs bare Fastify + pg)', 'µs', (run) => run.profile.service.cpuUs, baselineCpu),
    ratioRow('CPU per GET /profile, route alone (vs bare Fastify + pg)', 'µs', (run) => run.profile.routeAlone.cpuUs, baselineCpu),
    ratioRow('POST /sessions throughput (vs bcrypt ceiling)', 'req/s', (run) => run.login.rps, ceiling, 0.85),
    ratioRow('POST /sessions throughput (vs every core comparing)', 'req/s', (run) => run.login.rps, (run) => run.parallelCompareRate),
    row('GET /profile p99 while logins saturate the CPU', 'ms', (run) => run.saturated.profile.p99, 50),
    ratioRow('POST /sessions throughput meanwhile (vs ceiling)', 'req/s', (run) => run.saturated.login.rps, ceiling),
    row('peak RSS of the built server over the whole bench', 'MiB', (run) => run.peakRssMiB, 150),
    row('  of which before the logins (GET /profile throughput)', 'MiB', (run) => run.throughputPeakRssMiB),
    row('start to ready, PostgreSQL', 'ms', (run) => run.ready.postgres.wallMs, 1000),
    row('  CPU time of that start', 'ms', (run) => run.ready.postgres.cpuMs),
  ];
  if (runs.some((run) => run.ready.pgliteExisting !== undefined)) {
    rows.push(
      row('start to ready, PGlite, existing folder', 'ms', (run) => run.ready.pgliteExisting?.wallMs, 2000),
      row('  CPU time of that start', 'ms', (run) => run.ready.pgliteExisting?.cpuMs),
      row('start to ready, PGlite, new folder', 'ms', (run) => run.ready.pgliteNew?.wallMs),
      row('  CPU time of that start', 'ms', (run) => run.ready.pgliteNew?.cpuMs),
    );
  }
  if (runs.some((run) => run.ready.pnpmStartNew !== undefined)) {
    rows.push(
      row('pnpm start (tsx) to ready, new data folder', 'ms', (run) => run.ready.pnpmStartNew?.wallMs, 3000),
      row('  CPU time of that start', 'ms', (run) => run.ready.pnpmStartNew?.cpuMs),
    );
  }
  return rows;
}

/** Requests that failed in any measurement of any run: a bench with failures measures the wrong thing. */
export function failures(runs: readonly RunResult[]): number {
  let total = 0;
  for (const run of runs) {
    const { baselineBefore, service, routeAlone, baselineAfter } = run.profile;
    for (const load of [baselineBefore, service, routeAlone, baselineAfter, run.login, run.saturated.profile, run.saturated.login]) {
      total += load.failures;
    }
  }
  return total;
}

function figure(value: number): string {
  if (Number.isNaN(value)) return '—';
  return value >= 100 ? value.toFixed(0) : value.toFixed(value >= 10 ? 1 : 2);
}

/** The rows as an aligned text table. */
export function formatTable(rows: readonly Row[]): string {
  const lines = [['measure', 'hallpass', 'reference', 'ratio', 'target', 'met']];
  for (const r of rows) {
    const target = r.target === undefined ? '' : `${r.target.of === 'ratio' ? 'ratio' : 'value'} ${r.target.op} ${r.target.limit}`;
    lines.push([
      r.measure,
      `${figure(r.value)} ${r.unit}`,
      r.reference === undefined ? '' : `${figure(r.reference)} ${r.unit}`,
      r.ratio === undefined ? '' : r.ratio.toFixed(2),
      target,
      r.met === undefined ? '' : r.met ? 'yes' : 'NO',
    ]);
  }
  const widths = lines[0]!.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
  return lines.map((line) => line.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}
