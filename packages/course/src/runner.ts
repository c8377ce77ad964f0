/**
 * Runs tasks' test files and reads their TAP output with tap-parser.
 *
 * A tap test file is a program: under plain `node` it prints TAP and exits
 * non-zero when a test fails. So each file runs in its own `node` process with
 * the course's TypeScript loader (esbuild strips the types), not under the tap runner, which
 * adds a process of its own and loads the TypeScript compiler for every file.
 * That halves the time a one-file run takes (see docs/authoring-the-course.md).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser, type Result } from 'tap-parser';
import { readExecution, type Execution } from './execution.ts';
import { exists } from './files.ts';
import { plural } from './io.ts';
import { testFile, type Task } from './manifest.ts';
import { formatTypeError, type TypeErrorAt } from './typecheck.ts';

/** One top-level test of a task's file (a subtest, or an assertion made at the top). */
export interface TestOutcome {
  /** Its name, as tap printed it. */
  name: string;
  status: 'pass' | 'fail' | 'skip';
  /** The first failing assertion in it (fail) or the reason tap skipped it (skip); null when it passed. */
  message: string | null;
  /** What the code printed on standard output while it ran, if anything. */
  output: string | null;
}

/** A test tap skipped, at any depth, and tap's reason: what it needs and is missing (Redis, a browser). */
export interface Skip {
  /** Its name, inside the tests that hold it: `a › b`. */
  name: string;
  reason: string;
}

export interface TaskResult {
  task: Task;
  /** 'pass' when no test failed: a skipped test does not fail its file, see `skipped`. */
  status: 'pass' | 'fail';
  /** Top-level tests of the task's file: passed (a skipped one is not), failed and in all. */
  passed: number;
  failed: number;
  total: number;
  /** The first failure, in one line; null when the task passes. */
  message: string | null;
  /** Where the first failing assertion is and what it compared, when tap says. */
  at: string | null;
  diff: string | null;
  /** Every top-level test of the file, in the order they ended. */
  tests: TestOutcome[];
  /** The tests skipped: they did not run, so they proved nothing. */
  skipped: Skip[];
  /** The compiler's errors in the task's files, once `withTypeErrors` has added them. */
  typeErrors?: TypeErrorAt[];
  /** With `RunOptions.loads`: every file the test process loaded through `import`, as absolute paths. */
  loaded?: string[];
  /** With `RunOptions.loads`: the code the run executed, and which of it ran. */
  execution?: Execution;
}

export interface RunOptions {
  /** Called as each task's result is known. */
  onResult?: (result: TaskResult) => void;
  /** Test files run at once (default: the number of CPUs). */
  jobs?: number;
  /** Seconds before a test file is stopped: 120 by default (tap's own 30 is short for database tests on a busy machine). */
  timeout?: number;
  /** Stops the run: the test processes are killed and the pending tasks fail. */
  signal?: AbortSignal;
  /** Where each task's test file is read from, when not under `root` (the grader's pristine copy). */
  testRoot?: string;
  /** Record the files each test file loads and the code it runs (`TaskResult.loaded`, `TaskResult.execution`). */
  loads?: boolean;
}

/** The loader that lets `node` run TypeScript (loads/typescript.mjs: esbuild, for the .ts files alone). */
export const TS_LOADER = new URL('./loads/typescript.mjs', import.meta.url).href;
/**
 * V8 flags of every test process. `--liftoff-only`: WebAssembly (PGlite) runs on
 * V8's baseline compiler alone. A test process lives a few seconds, and compiling
 * PGlite's hot code again with the optimizing compiler cost more CPU than it
 * saved: a db task's test file took about 40 % less CPU without it.
 */
export const TEST_NODE_FLAGS = ['--liftoff-only'];
/** The preload that records what a test run loads and executes (loads/register.mjs). */
export const RECORDER = new URL('./loads/register.mjs', import.meta.url).href;

/** Runs the tasks' test files under `root` and gives one result per task, in the order given. */
export async function runTasks(root: string, tasks: readonly Task[], options: RunOptions = {}): Promise<TaskResult[]> {
  const results: TaskResult[] = [];
  const queue = [...tasks.entries()];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const [index, task] = next;
      const result = options.signal?.aborted ? failed(task, 'stopped before its tests ran') : await runTask(root, task, options);
      results[index] = result;
      options.onResult?.(result);
    }
  };
  const jobs = Math.max(1, Math.min(options.jobs ?? availableParallelism(), tasks.length));
  await Promise.all(Array.from({ length: jobs }, worker));
  return results;
}

function failed(task: Task, message: string): TaskResult {
  return { task, status: 'fail', passed: 0, failed: 0, total: 0, message, at: null, diff: null, tests: [], skipped: [] };
}

/**
 * The result with the compiler's errors in the task's files: a task that does
 * not type-check fails, its first error shown as the failing assertion (the
 * file's line in `at`), whatever its tests said.
 */
export function withTypeErrors(result: TaskResult, errors: readonly TypeErrorAt[]): TaskResult {
  if (errors.length === 0) return result;
  // a file that ran no test at all says why (not there, not installed, crashed): that comes first
  if (result.status === 'fail' && result.total === 0) return { ...result, typeErrors: [...errors] };
  const [first] = errors;
  const more = errors.length > 1 ? ` (and ${plural(errors.length - 1, 'more type error')})` : '';
  return {
    ...result,
    status: 'fail',
    message: `${formatTypeError(first!)}${more}`,
    at: first!.file === null ? null : `${first!.file}:${first!.line}`,
    diff: null,
    typeErrors: [...errors],
  };
}

/** The environment of a test process: ours, minus what a surrounding tap run set for its own children. */
function cleanEnv(timeout: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(TAP|_TAPJS|NODE_OPTIONS$|NODE_V8_COVERAGE$|HALLPASS_RECORD_DIR$)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, TAP_TIMEOUT: String(timeout) };
}

interface FileState {
  first: { path: string[]; result: Result } | null;
  timedOut: boolean;
  tests: TestOutcome[];
  skipped: Skip[];
  /** Of the top-level test running now: its first failure, what the code printed, and where its skips start in `skipped`. */
  current: { failure: string | null; output: string; skipsFrom: number };
}

function fileState(): FileState {
  return { first: null, timedOut: false, tests: [], skipped: [], current: { failure: null, output: '', skipsFrom: 0 } };
}

/** What tap-parser says of a whole file's tests once it has read them. */
interface Final {
  pass: number;
  fail: number;
  count: number;
  /** `1..0 # SKIP reason`: the file skipped all its tests. */
  plan?: { skipAll: boolean; skipReason: string };
}

/** The test of a file that skipped all its tests (`t.plan(0, reason)`), or null. */
function skippedAll(final: Final, file: string): Skip | null {
  // a file with no test at all also ends with `1..0`, with no reason or tap's own "no tests found": that is no skip
  /* c8 ignore next - tap always ends a file with its plan; a plan with no reason is the usual case */
  const reason = final.plan?.skipReason ?? '';
  return final.count === 0 && final.plan?.skipAll === true && reason !== '' && !/^no tests? found/i.test(reason) ? { name: basename(file), reason } : null;
}

/** Tests passed and failed: tap counts a skipped test as passed, the grader does not. */
function counts(final: Final, state: FileState): Pick<TaskResult, 'passed' | 'failed'> {
  return { passed: final.pass - state.tests.filter((test) => test.status === 'skip').length, failed: final.fail };
}

/** The tests and skips of a file, with the file itself as the one skipped test when it skipped them all. */
function outcomes(state: FileState, all: Skip | null): Pick<TaskResult, 'tests' | 'skipped'> {
  if (all === null) return { tests: state.tests, skipped: state.skipped };
  return { tests: [{ name: all.name, status: 'skip', message: all.reason, output: null }], skipped: [all] };
}

/** Per-test output is kept short, as Exercism asks: its first 500 characters. */
const OUTPUT_LIMIT = 500;

/** A test process: how it ended, and what it printed on stderr. */
interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Killed by the runner after `seconds` (tap stops a file's tests itself; this catches a file stuck outside them). */
  killedForTime: boolean;
}

/** Runs `node <TEST_NODE_FLAGS> --import <loader> [--import <recorder>] <args>` in `pkgDir`, its TAP read by `parser`. */
async function runProcess(pkgDir: string, args: string[], env: NodeJS.ProcessEnv, seconds: number, parser: Parser, options: RunOptions): Promise<Exit> {
  const imports = ['--import', TS_LOADER, ...(env.HALLPASS_RECORD_DIR === undefined ? [] : ['--import', RECORDER])];
  const child = spawn(process.execPath, [...TEST_NODE_FLAGS, ...imports, ...args], { cwd: pkgDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let killedForTime = false;
  const kill = (): void => {
    killedForTime = true;
    child.kill('SIGKILL');
  };
  // Counted again from the first output: a start slowed by a busy machine is not taken from the tests' time.
  let timer = setTimeout(kill, (seconds + 5) * 1000);
  child.stdout.once('data', () => {
    clearTimeout(timer);
    timer = setTimeout(kill, (seconds + 5) * 1000);
  });
  const abort = (): void => void child.kill('SIGKILL');
  options.signal?.addEventListener('abort', abort);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.pipe(parser);
  const [exit] = await Promise.all([
    new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal }))),
    new Promise<void>((resolve) => parser.on('complete', () => resolve())),
  ]);
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', abort);
  return { ...exit, stderr, killedForTime };
}

/** A new folder for the recorder (register.mjs), named in `env`, when `options.loads` asks for records. */
async function recordInto(env: NodeJS.ProcessEnv, options: RunOptions): Promise<string | null> {
  if (!options.loads) return null;
  const record = await mkdtemp(join(tmpdir(), 'hallpass-record-'));
  env.HALLPASS_RECORD_DIR = record;
  return record;
}

/** The files loaded and the code run, as the recorder wrote them in `record`: up to the end of a batch's file `index`, or all. */
async function readRecord(record: string, index?: number): Promise<Pick<TaskResult, 'loaded' | 'execution'>> {
  const lines = (await readFile(join(record, 'loaded'), 'utf8').catch(() => '')).split('\n');
  const end = index === undefined ? -1 : lines.indexOf(`#${index}`);
  const urls = (end === -1 ? lines : lines.slice(0, end)).filter((url) => url !== '' && !url.startsWith('#'));
  return { loaded: [...new Set(urls.map((url) => fileURLToPath(url)))], execution: await readExecution(record, index) };
}

async function runTask(root: string, task: Task, options: RunOptions): Promise<TaskResult> {
  const file = join(options.testRoot ?? root, testFile(task));
  const unrunnable = await cannotRun(root, task, file);
  if (unrunnable !== null) return unrunnable;
  const timeout = options.timeout ?? 120;
  const env = cleanEnv(timeout);
  const record = await recordInto(env, options);
  const state = fileState();
  const parser = new Parser();
  watchTests(parser, [], state);
  parser.on('extra', (text: string) => void (state.current.output += text));
  let final: Final = { pass: 0, fail: 0, count: 0 };
  parser.on('complete', (result: Final) => (final = result));
  const exit = await runProcess(join(root, 'packages', task.package), [file], env, timeout, parser, options);

  const all = exit.code === 0 ? skippedAll(final, file) : null;
  const base: Omit<TaskResult, 'status' | 'message' | 'at' | 'diff'> = { task, ...counts(final, state), total: final.count, ...outcomes(state, all) };
  if (record !== null) {
    Object.assign(base, await readRecord(record));
    await rm(record, { recursive: true, force: true });
  }
  if (exit.code === 0 && final.fail === 0 && (final.count > 0 || all !== null)) return { ...base, status: 'pass', message: null, at: null, diff: null };
  if (options.signal?.aborted) return { ...failed(task, 'stopped before its tests ran'), ...base };
  if (state.timedOut || exit.killedForTime) return { ...base, ...timedOut(state, timeout) };
  if (state.first !== null) return { ...base, ...failure(task, state.first) };
  const how = exit.signal !== null ? `was killed by ${exit.signal}` : exit.code === 0 ? 'ran no test' : `exited with code ${exit.code}`;
  const reason = crashReason(exit.stderr, basename(testFile(task)));
  return { ...base, status: 'fail', message: `the test file ${how}${final.count === 0 && exit.code !== 0 ? ' before any test ran' : ''}${reason}`, at: null, diff: null };
}

/** The failed result of a task whose file cannot run at all; null when it can. */
async function cannotRun(root: string, task: Task, file: string): Promise<TaskResult | null> {
  if (!(await exists(file))) return failed(task, `no test file: ${testFile(task)} does not exist yet`);
  const pkgDir = join(root, 'packages', task.package);
  if (!(await exists(join(pkgDir, 'node_modules', 'tap')))) return failed(task, `tap is not installed in ${pkgDir}: run \`pnpm install\``);
  return null;
}

type Verdict = Pick<TaskResult, 'status' | 'message' | 'at' | 'diff'>;

function timedOut(state: FileState, timeout: number): Verdict {
  const failing = state.first === null ? null : [...state.first.path, state.first.result.name].join(' › ');
  const message = [`the test file timed out: still running after ${timeout}s`, failing].filter((part) => part !== null).join(' — ');
  return { status: 'fail', message, at: null, diff: null };
}

/** A failed verdict naming the first failing assertion, with where it is and what it compared when tap says. */
function failure(task: Task, first: NonNullable<FileState['first']>): Verdict {
  const { diag } = first.result as { diag: { at?: { fileName?: string; lineNumber?: number }; diff?: string } | null };
  const at = diag?.at?.fileName !== undefined ? `packages/${task.package}/${diag.at.fileName.replace(/^.*?packages\/[^/]+\//, '')}:${diag.at.lineNumber}` : null;
  return { status: 'fail', message: [...first.path, first.result.name].join(' › '), at, diff: diag?.diff?.trimEnd() ?? null };
}

/** The driver of a batch: several test files in one process (loads/batch.mjs). */
export const BATCH = fileURLToPath(new URL('./loads/batch.mjs', import.meta.url));

/**
 * Runs the test files of several tasks of one package in one process, one file
 * after another (loads/batch.mjs), and gives one result per task, in the order
 * given. It saves each file after the first the second or so a test process
 * takes to start. A file passes as it would alone, but it shares the process
 * with the files before it: a caller that needs a file's own verdict runs a file
 * that failed here again on its own (`course check` does). With
 * `RunOptions.loads`, each file's record holds what the files before it in the
 * batch loaded and ran too, since they may have left state it used.
 */
export async function runBatch(root: string, tasks: readonly Task[], options: RunOptions = {}): Promise<TaskResult[]> {
  const results: TaskResult[] = [];
  const runnable: { task: Task; index: number; file: string }[] = [];
  for (const [index, task] of tasks.entries()) {
    if (task.package !== tasks[0]!.package) throw new Error(`a batch runs the files of one package: task ${task.id} is in ${task.package}, not ${tasks[0]!.package}`);
    const file = join(options.testRoot ?? root, testFile(task));
    const unrunnable = await cannotRun(root, task, file);
    if (unrunnable === null) runnable.push({ task, index, file });
    else results[index] = unrunnable;
  }
  if (runnable.length === 0) return results;
  const timeout = options.timeout ?? 120;
  const env = cleanEnv(timeout * runnable.length);
  const record = await recordInto(env, options);

  // each file is a top-level subtest, `<n> <file>`: its assertions are read by a parser of its own
  const files = runnable.map(() => ({ state: fileState(), final: null as Final | null, ok: null as boolean | null }));
  const parser = new Parser();
  let current = -1;
  parser.on('child', (child: Parser) => {
    const index = Number(/^(\d+) /.exec(child.name)?.[1]);
    const file = files[index];
    /* c8 ignore next - a subtest the driver did not start: TAP a file printed itself */
    if (file === undefined) return;
    current = index;
    watchTests(child, [], file.state);
    child.on('complete', (result: Final) => (file.final = result));
  });
  parser.on('assert', (result: Result) => {
    const file = files[current];
    /* c8 ignore next - a line before the first file's subtest: TAP a file printed itself */
    if (file === undefined) return;
    // the file's subtest ends with its own line; a line after it is the driver failing the file (its exit code)
    if (result.name.startsWith(`${current} `)) file.ok = result.ok;
    /* c8 ignore next - tap's per-file time limit: no test of the runner waits that long */
    else if (result.name === 'timeout!') file.state.timedOut = true;
    else if (!result.ok) {
      file.ok = false;
      file.state.first ??= { path: [], result };
    }
  });
  const exit = await runProcess(join(root, 'packages', tasks[0]!.package), [BATCH, String(timeout), ...runnable.map(({ file }) => file)], env, timeout * runnable.length, parser, options);

  for (const [at, { task, index }] of runnable.entries()) {
    const { state, final, ok } = files[at]!;
    const all = final === null || ok !== true ? null : skippedAll(final, testFile(task));
    const own = { task, ...counts(final ?? { pass: 0, fail: 0, count: 0 }, state), total: final?.count ?? 0, ...outcomes(state, all) };
    const base: Omit<TaskResult, 'status' | 'message' | 'at' | 'diff'> = record === null ? own : { ...own, ...(await readRecord(record, at)) };
    let verdict: Verdict;
    if (ok === true && final !== null && final.fail === 0 && (final.count > 0 || all !== null)) verdict = { status: 'pass', message: null, at: null, diff: null };
    else if (options.signal?.aborted) verdict = failed(task, 'stopped before its tests ran');
    else if (state.timedOut) verdict = timedOut(state, timeout);
    else if (state.first !== null) verdict = failure(task, state.first);
    else if (final !== null) verdict = { status: 'fail', message: 'the test file ran no test', at: null, diff: null };
    else {
      const how = exit.killedForTime ? `ran out of time (${timeout}s a file)` : exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
      verdict = { status: 'fail', message: `the batch's process ${how} before this file's tests ended${crashReason(exit.stderr, basename(testFile(task)))}`, at: null, diff: null };
    }
    results[index] = { ...base, ...verdict };
  }
  if (record !== null) await rm(record, { recursive: true, force: true });
  return results;
}

/**
 * Follows a file's tests: remembers the first failing assertion at any depth of
 * subtests, whether tap stopped one for time, every skipped test with its reason,
 * and each top-level test's outcome as it ends.
 */
function watchTests(parser: Parser, path: string[], state: FileState): void {
  parser.on('assert', (result: Result) => {
    const name = [...path, result.name].join(' › ');
    /* c8 ignore next - the course's tests skip with a reason; one without gets a word of its own */
    if (result.skip) state.skipped.push({ name, reason: typeof result.skip === 'string' && result.skip !== '' ? result.skip : 'skipped' });
    else if (!result.ok && !result.todo) {
      if (result.name === 'timeout!') state.timedOut = true;
      else {
        state.first ??= { path, result };
        state.current.failure ??= name;
      }
    }
    if (path.length === 0) {
      // a test that passed with a subtest skipped is skipped too: part of it never ran
      const skip = state.skipped[state.current.skipsFrom];
      const status = !result.ok && !result.todo ? 'fail' : skip !== undefined ? 'skip' : 'pass';
      const message = status === 'fail' ? state.current.failure ?? name : status === 'skip' ? (skip!.name === name ? skip!.reason : `${skip!.name}: ${skip!.reason}`) : null;
      state.tests.push({ name: result.name, status, message, output: shortOutput(state.current.output) });
      state.current = { failure: null, output: '', skipsFrom: state.skipped.length };
    }
  });
  parser.on('child', (child: Parser) => watchTests(child, [...path, child.name], state));
}

/** The output a test printed, trimmed and cut to OUTPUT_LIMIT characters; null when it printed nothing. */
function shortOutput(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return trimmed.length <= OUTPUT_LIMIT ? trimmed : `${trimmed.slice(0, OUTPUT_LIMIT)}\n[output truncated to ${OUTPUT_LIMIT} characters]`;
}

/** The error line the file printed, if one is near a mention of the file. */
function crashReason(stderr: string, file: string): string {
  const lines = stderr.split('\n');
  const index = lines.findIndex((text, at) => /\w*Error\b/.test(text) && lines.slice(at, at + 6).some((near) => near.includes(file)));
  if (index !== -1) return `: ${lines[index]!.trim()}`;
  const thrown = lines.find((text) => /^\w*Error\b/.test(text));
  return thrown === undefined ? '' : `: ${thrown.trim()}`;
}
