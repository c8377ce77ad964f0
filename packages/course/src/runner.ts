/**
 * Runs tasks' test files and reads their TAP output with tap-parser.
 *
 * A tap test file is a program: under plain `node` it prints TAP and exits
 * non-zero when a test fails. So each file runs in its own `node` process with
 * the course's TypeScript loader (esbuild strips the types), not under the tap runner, which
 * adds a process of its own and loads the TypeScript compiler for every file.
 * That halves the time a one-file run takes (see docs/taking-the-course.md).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser, type Result } from 'tap-parser';
import { readExecution, type Execution } from './execution.ts';
import { exists } from './files.ts';
import { testFile, type Task } from './manifest.ts';

export interface TaskResult {
  task: Task;
  status: 'pass' | 'fail';
  /** Top-level tests of the task's file: passed, failed and in all. */
  passed: number;
  failed: number;
  total: number;
  /** The first failure, in one line; null when the task passes. */
  message: string | null;
  /** Where the first failing assertion is and what it compared, when tap says. */
  at: string | null;
  diff: string | null;
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
  return { task, status: 'fail', passed: 0, failed: 0, total: 0, message, at: null, diff: null };
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
}

async function runTask(root: string, task: Task, options: RunOptions): Promise<TaskResult> {
  const file = join(options.testRoot ?? root, testFile(task));
  if (!(await exists(file))) return failed(task, `no test file: ${testFile(task)} does not exist yet`);
  const pkgDir = join(root, 'packages', task.package);
  if (!(await exists(join(pkgDir, 'node_modules', 'tap')))) return failed(task, `tap is not installed in ${pkgDir}: run \`pnpm install\``);
  const timeout = options.timeout ?? 120;
  const env = cleanEnv(timeout);
  const record = options.loads ? await mkdtemp(join(tmpdir(), 'hallpass-record-')) : null;
  if (record !== null) env.HALLPASS_RECORD_DIR = record;
  const imports = ['--import', TS_LOADER, ...(record === null ? [] : ['--import', RECORDER])];
  const child = spawn(process.execPath, [...TEST_NODE_FLAGS, ...imports, file], { cwd: pkgDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let killedForTime = false;
  // tap stops a file's tests after TAP_TIMEOUT; this catches a file stuck outside them
  const timer = setTimeout(() => {
    killedForTime = true;
    child.kill('SIGKILL');
  }, (timeout + 5) * 1000);
  const abort = (): void => void child.kill('SIGKILL');
  options.signal?.addEventListener('abort', abort);

  const state: FileState = { first: null, timedOut: false };
  const parser = new Parser();
  watchFailures(parser, [], state);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.pipe(parser);
  const [final, exit] = await Promise.all([
    new Promise<{ pass: number; fail: number; count: number }>((resolve) => parser.on('complete', resolve)),
    new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal }))),
  ]);
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', abort);

  const base: Omit<TaskResult, 'status' | 'message' | 'at' | 'diff'> = { task, passed: final.pass, failed: final.fail, total: final.count };
  if (record !== null) {
    const text = await readFile(join(record, 'loaded'), 'utf8').catch(() => '');
    base.loaded = [...new Set(text.split('\n').filter((url) => url !== '').map((url) => fileURLToPath(url)))];
    base.execution = await readExecution(record);
    await rm(record, { recursive: true, force: true });
  }
  if (exit.code === 0 && final.fail === 0 && final.count > 0) return { ...base, status: 'pass', message: null, at: null, diff: null };
  if (options.signal?.aborted) return { ...failed(task, 'stopped before its tests ran'), ...base };
  const first = state.first;
  const failure = first === null ? null : [...first.path, first.result.name].join(' › ');
  if (state.timedOut || killedForTime) {
    const message = [`the test file timed out: still running after ${timeout}s`, failure].filter((part) => part !== null).join(' — ');
    return { ...base, status: 'fail', message, at: null, diff: null };
  }
  if (first !== null) {
    const { diag } = first.result as { diag: { at?: { fileName?: string; lineNumber?: number }; diff?: string } | null };
    const at = diag?.at?.fileName !== undefined ? `packages/${task.package}/${diag.at.fileName.replace(/^.*?packages\/[^/]+\//, '')}:${diag.at.lineNumber}` : null;
    return { ...base, status: 'fail', message: failure, at, diff: diag?.diff?.trimEnd() ?? null };
  }
  const how = exit.signal !== null ? `was killed by ${exit.signal}` : exit.code === 0 ? 'ran no test' : `exited with code ${exit.code}`;
  const reason = crashReason(stderr, basename(testFile(task)));
  return { ...base, status: 'fail', message: `the test file ${how}${final.count === 0 && exit.code !== 0 ? ' before any test ran' : ''}${reason}`, at: null, diff: null };
}

/** Remembers the first failing assertion of a file, at any depth of subtests, and whether tap stopped one for time. */
function watchFailures(parser: Parser, path: string[], state: FileState): void {
  parser.on('assert', (result: Result) => {
    if (result.ok || result.todo || result.skip) return;
    if (result.name === 'timeout!') state.timedOut = true;
    if (state.first === null && result.name !== 'timeout!') state.first = { path, result };
  });
  parser.on('child', (child: Parser) => watchFailures(child, [...path, child.name], state));
}

/** The error line the file printed, if one is near a mention of the file. */
function crashReason(stderr: string, file: string): string {
  const lines = stderr.split('\n');
  const index = lines.findIndex((text, at) => /\w*Error\b/.test(text) && lines.slice(at, at + 6).some((near) => near.includes(file)));
  if (index !== -1) return `: ${lines[index]!.trim()}`;
  const thrown = lines.find((text) => /^\w*Error\b/.test(text));
  return thrown === undefined ? '' : `: ${thrown.trim()}`;
}
