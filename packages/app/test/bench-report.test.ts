import t from 'tap';
import { failures, formatTable, median, parseBenchArgs, summarize, type Load, type RunResult } from '../bench/report.ts';

t.test('parseBenchArgs: defaults, values, and every bad argument named', async (t) => {
  const defaults = parseBenchArgs([], {}, '/tmp/out.json');
  t.same(defaults, {
    runs: 1,
    duration: 5,
    connections: 10,
    bcryptCost: 12,
    users: 10000,
    databaseUrl: 'postgres://postgres@127.0.0.1:5432/test',
    out: '/tmp/out.json',
    pglite: true,
    logLevel: 'info',
  });
  t.equal(parseBenchArgs([], { DATABASE_URL: 'postgres://db/x' }, 'o').databaseUrl, 'postgres://db/x', 'DATABASE_URL is the default server');

  const given = parseBenchArgs(
    ['--', '--runs', '3', '--duration', '2', '--connections', '4', '--bcrypt-cost', '10', '--users', '0', '--database-url', 'postgresql://h/y', '--out', 'r.json', '--no-pglite', '--log-level', 'warn'],
    { DATABASE_URL: 'postgres://db/x' },
    'o',
  );
  t.same(given, { runs: 3, duration: 2, connections: 4, bcryptCost: 10, users: 0, databaseUrl: 'postgresql://h/y', out: 'r.json', pglite: false, logLevel: 'warn' });

  const bad: [string[], RegExp][] = [
    [['--runs', '0'], /--runs must be a whole number from 1 to 9, got "0"/],
    [['--duration', '1.5'], /--duration must be a whole number/],
    [['--bcrypt-cost', '3'], /--bcrypt-cost must be a whole number from 4 to 31/],
    [['--connections', 'many'], /--connections must be/],
    [['--users', '1e4'], /--users must be a whole number from 0 to 1000000/],
    [['--database-url', 'mysql://h/db'], /must be a postgres:\/\/ URL/],
    [['--fast'], /Unknown option '--fast'/],
  ];
  for (const [args, message] of bad) {
    t.throws(() => parseBenchArgs(args, {}, 'o'), { name: 'BenchUsageError' }, `${args.join(' ')} is refused`);
    t.throws(() => parseBenchArgs(args, {}, 'o'), { message }, `${args.join(' ')}: the message names the problem`);
    t.throws(() => parseBenchArgs(args, {}, 'o'), { message: /usage: pnpm bench/ }, `${args.join(' ')}: the message shows the usage`);
  }
});

t.test('median', async (t) => {
  t.equal(median([3, 1, 2]), 2, 'odd count: the middle value');
  t.equal(median([4, 1, 3, 2]), 2.5, 'even count: the mean of the two middle values');
  t.ok(Number.isNaN(median([])), 'no values: NaN');
});

const load = (rps: number, p99: number, failed = 0, cpuUs?: number): Load => ({ rps, p99, failures: failed, ...(cpuUs === undefined ? {} : { cpuUs }) });

function run(overrides: Partial<RunResult> = {}): RunResult {
  return {
    profile: { baselineBefore: load(1000, 10, 0, 60), service: load(900, 12, 0, 200), routeAlone: load(950, 11, 0, 120), baselineAfter: load(1000, 14, 0, 80) },
    compareMs: 250,
    parallelCompareRate: 6,
    cores: 2,
    login: load(7.2, 600),
    saturated: { profile: load(50, 30), login: load(7, 700) },
    peakRssMiB: 120,
    throughputPeakRssMiB: 190,
    ready: { postgres: { wallMs: 800, cpuMs: 700 } },
    ...overrides,
  };
}

t.test('summarize: medians of the runs, ratios within each run, targets checked', async (t) => {
  const rows = summarize([run(), run({ profile: { baselineBefore: load(2000, 5), service: load(1000, 6), routeAlone: load(1600, 5), baselineAfter: load(2000, 5) } }), run()]);
  const byName = new Map(rows.map((row) => [row.measure, row]));

  const profile = byName.get('GET /profile throughput (vs bare Fastify + pg)')!;
  t.equal(profile.value, 900, 'the median service throughput');
  t.equal(profile.reference, 1000, 'the median baseline (mean of before and after)');
  t.equal(profile.ratio, 0.9, 'the median of the runs\' ratios (0.9, 0.5, 0.9)');
  t.equal(profile.met, true, '0.9 meets >= 0.5');

  const alone = byName.get('GET /profile throughput of its route alone (vs bare Fastify + pg)')!;
  t.equal(alone.value, 950, 'the route alone on a bare Fastify');
  t.equal(alone.ratio, 0.95, 'the median of 0.95, 0.8 and 0.95');
  t.equal(alone.target, undefined, 'reported, with no target');
  const cpu = byName.get('CPU per GET /profile, service (vs bare Fastify + pg)')!;
  t.equal(cpu.value, 200, 'µs of the service\'s CPU per request, from the runs that measured it');
  t.equal(cpu.reference, 70, 'the baseline\'s, the mean of before (60) and after (80)');
  t.equal(cpu.ratio, 200 / 70, 'a run without CPU figures leaves no ratio, not a NaN');
  t.equal(byName.get('CPU per GET /profile, route alone (vs bare Fastify + pg)')!.value, 120);

  const login = byName.get('POST /sessions throughput (vs bcrypt ceiling)')!;
  t.equal(login.reference, 8, 'the ceiling: 2 cores ÷ 0.25 s');
  t.equal(login.ratio, 0.9);
  t.equal(login.met, true);

  const p99 = byName.get('GET /profile p99 while logins saturate the CPU')!;
  t.equal(p99.value, 30);
  t.equal(p99.met, true, '30 ms meets <= 50');
  t.equal(p99.ratio, undefined, 'a plain value has no ratio');

  t.equal(byName.get('GET /profile p99 (vs bare Fastify + pg)')!.met, undefined, 'a figure without a target is only reported');
  t.equal(byName.get('peak RSS of the built server over the whole bench')!.met, true);
  const parallel = byName.get('POST /sessions throughput (vs every core comparing)')!;
  t.equal(parallel.reference, 6, 'the compares per second with every core comparing');
  t.equal(parallel.ratio, 1.2, 'logins against it');
  t.equal(parallel.target, undefined, 'reported, with no target');
  t.equal(byName.get('start to ready, PostgreSQL')!.value, 800);
  t.notOk([...byName.keys()].some((name) => name.includes('PGlite')), 'no PGlite rows when it was not measured');
});

t.test('summarize: a missed target, and the PGlite rows when measured', async (t) => {
  const slow = run({
    login: load(4, 900),
    saturated: { profile: load(50, 98), login: load(4, 900) },
    peakRssMiB: 200,
    ready: {
      postgres: { wallMs: 1500, cpuMs: 900 },
      pgliteNew: { wallMs: 6300, cpuMs: 5000 },
      pgliteExisting: { wallMs: 1800, cpuMs: 1200 },
      pnpmStartNew: { wallMs: 3200, cpuMs: 2500 },
    },
  });
  const rows = summarize([slow]);
  const met = Object.fromEntries(rows.map((row) => [row.measure, row.met]));
  t.equal(met['POST /sessions throughput (vs bcrypt ceiling)'], false, '0.5 of the ceiling misses 0.85');
  t.equal(met['GET /profile p99 while logins saturate the CPU'], false, '98 ms misses 50');
  t.equal(met['peak RSS of the built server over the whole bench'], false);
  t.equal(met['start to ready, PostgreSQL'], false);
  t.equal(met['start to ready, PGlite, existing folder'], true);
  t.equal(rows.find((row) => row.measure === 'start to ready, PGlite, new folder')?.value, 6300);
  t.equal(met['pnpm start (tsx) to ready, new data folder'], false, '3.2 s misses 3 s');
  t.notOk(summarize([run()]).some((row) => row.measure.startsWith('pnpm start')), 'no pnpm start row when it was not measured');
});

t.test('failures adds up every measurement of every run', async (t) => {
  t.equal(failures([run()]), 0);
  const failing = run({ login: load(7, 600, 2), saturated: { profile: load(50, 30, 1), login: load(7, 700) } });
  t.equal(failures([failing, run()]), 3);
  const aloneFailing = run();
  aloneFailing.profile.routeAlone = load(900, 10, 4);
  t.equal(failures([aloneFailing]), 4, 'the route alone\'s failures count');
});

t.test('formatTable aligns the columns and marks missed targets', async (t) => {
  const rows = summarize([run({ peakRssMiB: 200 })]);
  rows.push({ measure: 'not measured', value: Number.NaN, unit: 'ms' });
  const lines = formatTable(rows).split('\n');
  t.match(lines[0], /^measure\s+hallpass\s+reference\s+ratio\s+target\s+met$/);
  t.match(lines.find((line) => line.startsWith('GET /profile throughput')), /900 req\/s\s+1000 req\/s\s+0\.90\s+ratio >= 0\.5\s+yes$/);
  t.match(lines.find((line) => line.startsWith('POST /sessions throughput (vs')), /7\.20 req\/s\s+8\.00 req\/s\s+0\.90/);
  t.match(lines.find((line) => line.startsWith('peak RSS')), /200 MiB\s+value <= 150\s+NO$/);
  t.match(lines.find((line) => line.startsWith('GET /profile p99 while')), /30\.0 ms\s+value <= 50\s+yes$/);
  t.match(lines.at(-1), /^not measured\s+— ms$/, 'a missing figure is a dash');
  const column = lines[0]!.indexOf('hallpass');
  t.ok(lines.every((line) => line.length <= column || line[column - 1] === ' '), 'the second column starts at the same place on every line');
});
