/**
 * `pnpm bench`: measures the built service (`pnpm build`, started as
 * `pnpm start:prod` starts it) against the limits that matter, each in the same
 * run as its reference, so the ratios hold on a busy or a quiet machine:
 *
 * - `GET /profile` against a bare Fastify + `pg` app running the same query on
 *   the same table (bench/baseline.mjs);
 * - `POST /sessions` against the bcrypt ceiling: cores ÷ the time of one compare;
 * - `GET /profile`'s p99 while logins keep every core busy;
 * - the service's peak memory over the whole bench, and its time from start to
 *   ready (the built server, and `pnpm start` on a new data folder).
 *
 * Everything runs on 127.0.0.1 against a PostgreSQL server, in a database the
 * bench creates and drops. See docs/performance.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import pg from 'pg';
import { hashPassword, redact, verifyPassword } from '@hallpass/auth';
import { BenchUsageError, failures, formatTable, median, parseBenchArgs, summarize, type BenchOptions, type Load, type Readiness, type RunResult } from './report.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const builtServer = join(repoRoot, 'packages/app/dist/server.mjs');
const baselineScript = fileURLToPath(new URL('./baseline.mjs', import.meta.url));
const routeAloneScript = fileURLToPath(new URL('./route-alone.mjs', import.meta.url));
/** Seconds a process may take to start before the bench gives up on it. */
const START_LIMIT = 180;
/** Linux reports a process's CPU time in ticks of 1/100 s (USER_HZ). */
const TICKS_PER_SECOND = 100;

const profileUser = { email: 'profile@bench.example', password: 'pr0file-b3nch' };
const loginUser = { email: 'login@bench.example', password: 'l0gin-b3nch' };

interface Server {
  child: ChildProcess;
  url: string;
  readiness: Readiness;
}

/** Plain `node`: no loader inherited from the shell that started the bench. */
function plainEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1', PORT: '0', ...extra };
  delete env.NODE_OPTIONS;
  return env;
}

async function cpuMsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1000;
}

async function peakRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]);
  return kib / 1024;
}

/** A port nobody listens on now, for a server the bench starts. */
async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

/** Whether something answers HTTP at `url`, whatever the status. */
async function answers(url: string): Promise<boolean> {
  try {
    await (await fetch(url, { signal: AbortSignal.timeout(1000) })).arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/**
 * Spawns a server on a free port and resolves once it answers HTTP (whatever
 * its log level). Its output goes to a file, as a deployed server's goes to
 * its supervisor: through a pipe, the server's synchronous log writes would
 * wait for this process, which is busy generating the load.
 */
async function startServer(args: string[], extraEnv: NodeJS.ProcessEnv): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logDir = await mkdtemp(join(tmpdir(), 'hallpass-bench-log-'));
  const log = await open(join(logDir, 'output.log'), 'w');
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...extraEnv, PORT: String(port) }, stdio: ['ignore', log.fd, log.fd] });
  await log.close();
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
    void rm(logDir, { recursive: true, force: true });
  });
  for (;;) {
    if (await answers(url)) {
      const wallMs = performance.now() - started;
      return { child, url, readiness: { wallMs, cpuMs: await cpuMsOf(child.pid!) } };
    }
    if (exited !== undefined) {
      const output = await readFile(join(logDir, 'output.log'), 'utf8').catch(() => '');
      throw new Error(`${args.join(' ')} exited with ${exited} before answering:\n${output}`);
    }
    if (performance.now() - started > START_LIMIT * 1000) {
      child.kill('SIGKILL');
      throw new Error(`${args.join(' ')} did not answer within ${START_LIMIT}s`);
    }
    await sleep(10);
  }
}

function startService(env: Record<string, string>, options: BenchOptions): Promise<Server> {
  return startServer(
    [builtServer],
    plainEnv({ LOG_LEVEL: options.logLevel, BCRYPT_COST: String(options.bcryptCost), DATABASE_URL: '', ...env }),
  );
}

async function stop(server: Server | undefined): Promise<void> {
  if (server === undefined || server.child.exitCode !== null) return;
  const exited = once(server.child, 'exit');
  server.child.kill('SIGTERM');
  await exited;
}

interface LoadRequest {
  path: string;
  method?: 'GET' | 'POST';
  body?: string;
  cookie?: string;
  connections: number;
  seconds: number;
  /** Requests per second over all connections; as fast as possible when absent. */
  rate?: number;
  /** Seconds before a request counts as failed (autocannon's default: 10). */
  timeout?: number;
}

/** One load on `server`; with the process's CPU time per request it answered. */
async function measure(server: Server, request: LoadRequest): Promise<Load & { cpuUs: number }> {
  const cpuBefore = await cpuMsOf(server.child.pid!);
  const load = await generate(server.url, request);
  const cpuMs = (await cpuMsOf(server.child.pid!)) - cpuBefore;
  // Rounded up to one request: a load that got no answer (a failure the bench reports) must not divide by zero.
  const cpuUs = (cpuMs * 1000) / Math.max(1, load.rps * load.seconds);
  return { rps: load.rps, p99: load.p99, failures: load.failures, cpuUs };
}

/** One load on the server at `base`: its throughput, tail latency and failures, and the seconds it lasted. */
async function generate(base: string, request: LoadRequest): Promise<Load & { seconds: number }> {
  const headers: Record<string, string> = {};
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.cookie !== undefined) headers.cookie = request.cookie;
  const result = await autocannon({
    url: `${base}${request.path}`,
    method: request.method ?? 'GET',
    connections: request.connections,
    duration: request.seconds,
    headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(request.rate === undefined ? {} : { overallRate: request.rate }),
    ...(request.timeout === undefined ? {} : { timeout: request.timeout }),
  });
  // Completed requests over the time measured: per-second averages round slow requests (logins) down to nothing.
  return { rps: result.requests.total / result.duration, p99: result.latency.p99, failures: result.non2xx + result.errors + result.timeouts, seconds: result.duration };
}

async function post(base: string, path: string, body: object): Promise<Response> {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response;
}

/** Creates the bench's own database on the server of `adminUrl`; returns its URL and how to drop it. */
async function createDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `hallpass_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleaner = new pg.Client({ connectionString: adminUrl });
      await cleaner.connect();
      await cleaner.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleaner.end();
    },
  };
}

/** SHA-256 of a session token, hex: what the `sessions` table stores (task 22's digests, task 32's table). */
function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Migrates the database (through the service's own start), signs the two bench
 * users up and adds the other users, each with a session in `sessions`, so a
 * look-up that scans a table shows.
 */
async function prepare(databaseUrl: string, options: BenchOptions): Promise<{ cookie: string }> {
  const service = await startService({ DATABASE_URL: databaseUrl }, options);
  let sessionId: string | undefined;
  try {
    await post(service.url, '/users', profileUser);
    await post(service.url, '/users', loginUser);
    const login = await post(service.url, '/sessions', profileUser);
    sessionId = /session_id=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
    if (sessionId === undefined) throw new Error('POST /sessions set no session_id cookie');
  } finally {
    await stop(service);
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // The baseline looks the session up as the service stores it: check that it is stored so.
    const { rowCount } = await client.query('select 1 from sessions where token_digest = $1', [tokenDigest(decodeURIComponent(sessionId))]);
    if (rowCount !== 1) throw new Error('the login\'s session is not in `sessions` under its SHA-256 digest: bench/baseline.mjs would not find it');
    await client.query(
      `with added as (
         insert into users (email, hashed_password, canonical_email)
         select 'user-' || g || '@bench.example', '$2b$12$' || md5(g::text), 'user-' || g || '@bench.example'
         from generate_series(1, $1::int) g
         returning id)
       insert into sessions (user_id, token_digest, created_at, seen_at)
       select id, encode(sha256(('session' || id)::bytea), 'hex'), now(), now() from added`,
      [options.users],
    );
    await client.query('analyze users');
    await client.query('analyze sessions');
    return { cookie: `session_id=${sessionId}` };
  } finally {
    await client.end();
  }
}

/** The time of one bcrypt compare at the service's cost, one at a time (median of five). */
async function compareMs(cost: number): Promise<number> {
  const hash = await hashPassword(loginUser.password, { cost });
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await verifyPassword(loginUser.password, hash);
    times.push(performance.now() - started);
  }
  return median(times);
}

/**
 * Compares per second with every core comparing at once (three rounds of one per
 * core): what the machine really does when the cores share caches, a physical
 * core or the host. The ceiling above assumes they scale perfectly.
 */
async function parallelCompareRate(cost: number, cores: number): Promise<number> {
  const hash = await hashPassword(loginUser.password, { cost });
  const started = performance.now();
  for (let round = 0; round < 3; round++) {
    await Promise.all(Array.from({ length: cores }, () => verifyPassword(loginUser.password, hash)));
  }
  return (3 * cores) / ((performance.now() - started) / 1000);
}

async function pgliteReadiness(options: BenchOptions): Promise<{ pgliteNew: Readiness; pgliteExisting: Readiness; pnpmStartNew: Readiness }> {
  const dir = await mkdtemp(join(tmpdir(), 'hallpass-bench-'));
  try {
    const env = { HALLPASS_DATA_DIR: join(dir, 'data') };
    const fresh = await startService(env, options);
    await stop(fresh);
    const again = await startService(env, options);
    await stop(again);
    // `pnpm start` as a learner runs it: TypeScript compiled as it loads (tsx), on a data folder of its own.
    const started = await startServer(
      [join(repoRoot, 'packages/app/bin/start.mjs')],
      plainEnv({ LOG_LEVEL: options.logLevel, BCRYPT_COST: String(options.bcryptCost), DATABASE_URL: '', HALLPASS_DATA_DIR: join(dir, 'pnpm-start') }),
    );
    await stop(started);
    return { pgliteNew: fresh.readiness, pgliteExisting: again.readiness, pnpmStartNew: started.readiness };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Stops the bench when `server` does not answer `GET /profile` with the session `cookie` with a 200. */
async function expectProfile(server: Server, cookie: string): Promise<void> {
  const response = await fetch(new URL('/profile', server.url), { headers: { cookie } });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET /profile on ${server.url} answered ${response.status}, not 200, with the bench's session`);
}

async function oneRun(databaseUrl: string, cookie: string, options: BenchOptions, log: (line: string) => void): Promise<RunResult> {
  const cores = availableParallelism();
  const seconds = options.duration;
  let service: Server | undefined;
  let baseline: Server | undefined;
  let routeAlone: Server | undefined;
  try {
    service = await startService({ DATABASE_URL: databaseUrl }, options);
    const readiness = service.readiness;
    log(`service ready in ${service.readiness.wallMs.toFixed(0)} ms (${service.readiness.cpuMs.toFixed(0)} ms CPU)`);
    baseline = await startServer([baselineScript], plainEnv({ DATABASE_URL: databaseUrl }));
    routeAlone = await startServer(
      ['--conditions=hallpass-dist', routeAloneScript],
      plainEnv({ DATABASE_URL: databaseUrl, BCRYPT_COST: String(options.bcryptCost) }),
    );

    const profile = { path: '/profile', cookie, connections: options.connections, seconds };
    // A measurement of refusals would be a measurement of something else: each must know the session first.
    for (const server of [baseline, service, routeAlone]) await expectProfile(server, cookie);
    // Warm them up (JIT, pools), then measure the baseline on both sides of the others.
    for (const server of [baseline, service, routeAlone]) await measure(server, { ...profile, seconds: 1 });
    const baselineBefore = await measure(baseline, profile);
    const serviceProfile = await measure(service, profile);
    const routeAloneProfile = await measure(routeAlone, profile);
    const baselineAfter = await measure(baseline, profile);
    log(
      `GET /profile: baseline ${baselineBefore.rps.toFixed(0)} / ${baselineAfter.rps.toFixed(0)} req/s, service ${serviceProfile.rps.toFixed(0)} req/s, ` +
        `its route alone ${routeAloneProfile.rps.toFixed(0)} req/s; CPU per request ${baselineBefore.cpuUs.toFixed(0)} / ${baselineAfter.cpuUs.toFixed(0)}, ` +
        `${serviceProfile.cpuUs.toFixed(0)}, ${routeAloneProfile.cpuUs.toFixed(0)} µs`,
    );
    await stop(baseline);
    await stop(routeAlone);
    // The same server goes on to the logins: the memory target is the peak over the whole bench.
    const throughputPeak = await peakRssMiB(service.child.pid!);

    const compareBefore = await compareMs(options.bcryptCost);
    // Long enough for many logins each, however slow the machine is today.
    const loginSeconds = Math.max(seconds, Math.ceil((10 * compareBefore) / 1000));
    // A login may wait for a slot behind one compare per core, then compare: give it room.
    const loginRequest = {
      path: '/sessions',
      method: 'POST' as const,
      body: JSON.stringify(loginUser),
      connections: cores * 2,
      seconds: loginSeconds,
      timeout: Math.max(10, Math.ceil((10 * compareBefore) / 1000)),
    };
    const login = await measure(service, loginRequest);
    // autocannon stops without waiting for the logins in flight; one more login, queued after them, ends when they have.
    await post(service.url, '/sessions', loginUser);
    // The ceiling is timed on both sides of the logins, as the baseline is, so a machine that gets busier meanwhile skews it less.
    const compare = (compareBefore + (await compareMs(options.bcryptCost))) / 2;
    const parallelRate = await parallelCompareRate(options.bcryptCost, cores);
    log(`bcrypt compare ${compare.toFixed(0)} ms → ceiling ${(cores / (compare / 1000)).toFixed(1)} logins/s (${parallelRate.toFixed(1)}/s with ${cores} at once); POST /sessions ${login.rps.toFixed(1)} req/s`);

    const [saturatedProfile, saturatedLogin] = await Promise.all([
      generate(service.url, { ...profile, connections: 2, rate: 50, seconds: loginSeconds }),
      generate(service.url, loginRequest),
    ]);
    log(`while logging in (${saturatedLogin.rps.toFixed(1)} req/s): GET /profile p99 ${saturatedProfile.p99} ms`);
    const peak = await peakRssMiB(service.child.pid!);
    await stop(service);

    const result: RunResult = {
      profile: { baselineBefore, service: serviceProfile, routeAlone: routeAloneProfile, baselineAfter },
      compareMs: compare,
      parallelCompareRate: parallelRate,
      cores,
      login,
      saturated: { profile: saturatedProfile, login: saturatedLogin },
      peakRssMiB: peak,
      throughputPeakRssMiB: throughputPeak,
      ready: { postgres: readiness },
    };
    if (options.pglite) {
      Object.assign(result.ready, await pgliteReadiness(options));
      log(
        `PGlite ready in ${result.ready.pgliteNew!.wallMs.toFixed(0)} ms (new folder), ${result.ready.pgliteExisting!.wallMs.toFixed(0)} ms (existing); ` +
          `pnpm start on a new folder ${result.ready.pnpmStartNew!.wallMs.toFixed(0)} ms`,
      );
    }
    return result;
  } finally {
    await stop(baseline);
    await stop(routeAlone);
    await stop(service);
  }
}

/** What `pnpm build` does: compile, then bundle `packages/app/dist/server.mjs`, the file the bench starts. */
async function build(): Promise<void> {
  const child = spawn(process.execPath, [join(repoRoot, 'packages/app/bin/build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error('pnpm build failed');
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(process.argv.slice(2), process.env, join(repoRoot, 'packages/app/bench/results/latest.json'));
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    console.error(error.message);
    process.exitCode = 2;
    return;
  }
  const log = (line: string) => console.log(`  ${line}`);
  const loadBefore = loadavg();
  console.log(
    `hallpass bench: ${options.runs} run(s) of ${options.duration}s measurements, ${availableParallelism()} cores, bcrypt cost ${options.bcryptCost}, ` +
      `${options.users} other users, PostgreSQL ${redact(options.databaseUrl)}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
  );
  console.log('building (pnpm build)…');
  await build();

  const database = await createDatabase(options.databaseUrl);
  const runs: RunResult[] = [];
  try {
    const { cookie } = await prepare(database.url, options);
    for (let run = 1; run <= options.runs; run++) {
      console.log(`run ${run} of ${options.runs}`);
      runs.push(await oneRun(database.url, cookie, options, log));
    }
  } finally {
    await database.drop();
  }

  const rows = summarize(runs);
  const failed = failures(runs);
  const loadAfter = loadavg();
  console.log(`\n${formatTable(rows)}\n`);
  console.log(`medians of ${runs.length} run(s); ratios are taken within each run, against references measured in the same run.`);
  console.log(`failed requests: ${failed}; load average at the end ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
  const report = {
    date: new Date().toISOString(),
    options: { ...options, databaseUrl: redact(options.databaseUrl) },
    machine: { cores: availableParallelism(), node: process.version, loadBefore, loadAfter },
    rows,
    failedRequests: failed,
    runs,
  };
  await mkdir(dirname(options.out), { recursive: true });
  await writeFile(options.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`JSON report: ${options.out}`);
  if (failed > 0) process.exitCode = 1;
}

await main();
