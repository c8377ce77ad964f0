/**
 * Runs tasks' test files with tap, one tap run per package (tap runs the files
 * of a run in parallel), and reads tap's TAP output with tap-parser.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { Parser, type Result } from 'tap-parser';
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
}

export interface RunOptions {
  /** Called as each task's result is known. */
  onResult?: (result: TaskResult) => void;
  /** Test files run at once across all packages (default: the number of CPUs). */
  jobs?: number;
  /** Seconds before tap stops a test file: 120 by default (tap's own 30 is short for database tests on a busy machine). */
  timeout?: number;
  /** Stops the run: the tap processes are killed and the pending tasks fail. */
  signal?: AbortSignal;
}

/** Runs the tasks' test files under `root` and gives one result per task, in the order given. */
export async function runTasks(root: string, tasks: readonly Task[], options: RunOptions = {}): Promise<TaskResult[]> {
  const results = new Map<Task, TaskResult>();
  const report = (result: TaskResult): void => {
    results.set(result.task, result);
    options.onResult?.(result);
  };
  const byPackage = new Map<string, Task[]>();
  for (const task of tasks) {
    if (!(await exists(join(root, testFile(task))))) {
      report(failed(task, `no test file: ${testFile(task)} does not exist yet`));
      continue;
    }
    byPackage.set(task.package, [...(byPackage.get(task.package) ?? []), task]);
  }
  const jobs = options.jobs ?? availableParallelism();
  const perPackage = Math.max(1, Math.ceil(jobs / Math.max(1, byPackage.size)));
  await Promise.all([...byPackage].map(([pkg, group]) => runPackage(join(root, 'packages', pkg), group, perPackage, options, report)));
  return tasks.map((task) => results.get(task)!);
}

function failed(task: Task, message: string): TaskResult {
  return { task, status: 'fail', passed: 0, failed: 0, total: 0, message, at: null, diff: null };
}

/** The environment of a tap run: ours, minus what a surrounding tap run set for its own children. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(TAP|_TAPJS|NODE_OPTIONS$|NODE_V8_COVERAGE$)/.test(key)) continue;
    env[key] = value;
  }
  return env;
}

interface FileState {
  first: { path: string[]; result: Result } | null;
  counts: { pass: number; fail: number; count: number } | null;
}

async function runPackage(pkgDir: string, group: Task[], jobs: number, options: RunOptions, report: (result: TaskResult) => void): Promise<void> {
  const relative = new Map(group.map((task) => [testFile(task).replace(/^packages\/[^/]+\//, ''), task]));
  const tapBin = join(pkgDir, 'node_modules', 'tap', 'dist', 'esm', 'run.mjs');
  if (!(await exists(tapBin))) {
    for (const task of group) report(failed(task, `tap is not installed in ${pkgDir}: run \`pnpm install\``));
    return;
  }
  const timeout = options.timeout ?? 120;
  const args = [tapBin, '--disable-coverage', '--reporter=tap', '--no-color', `--jobs=${jobs}`, `--timeout=${timeout}`];
  const child = spawn(process.execPath, [...args, ...relative.keys()], { cwd: pkgDir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  // tap finishes its running files on SIGTERM; a stop must not wait for them
  const abort = (): void => void child.kill('SIGKILL');
  options.signal?.addEventListener('abort', abort);

  const files = new Map<string, FileState>();
  const parser = new Parser();
  parser.on('child', (fileParser: Parser) => {
    const state: FileState = { first: null, counts: null };
    files.set(fileParser.name, state);
    watchFailures(fileParser, [], state);
    fileParser.on('complete', (final: { pass: number; fail: number; count: number }) => {
      state.counts = { pass: final.pass, fail: final.fail, count: final.count };
    });
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  parser.on('assert', (point: Result) => {
    const file = pointFile(point);
    const task = relative.get(file);
    /* c8 ignore next - tap reports only the files it was given */
    if (task === undefined) return;
    relative.delete(file);
    report(fileResult(task, point, files.get(file), stderr, timeout));
  });
  child.stdout.pipe(parser);
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  await new Promise<void>((resolve) => parser.on('complete', () => resolve()));
  await closed;
  options.signal?.removeEventListener('abort', abort);
  for (const task of relative.values()) {
    report(failed(task, options.signal?.aborted ? 'stopped before its tests ran' : `tap gave no result for this file${firstLine(stderr)}`));
  }
}

/** The test file a top-level point is about: its name, or for a file that ran out of time, the file tap names. */
export function pointFile(point: Pick<Result, 'name' | 'diag'>): string {
  return point.name === 'timeout!' ? String((point.diag as { expired?: string } | null)?.expired) : point.name;
}

/** Whether tap stopped the file for running too long: with SIGALRM, or with a point named "timeout!". */
export function timedOut(point: Pick<Result, 'name' | 'diag'>): boolean {
  return [point.name === 'timeout!', (point.diag as { signal?: string } | null)?.signal === 'SIGALRM'].includes(true);
}

/** Remembers the first failing assertion of a file, at any depth of subtests. */
function watchFailures(parser: Parser, path: string[], state: FileState): void {
  parser.on('assert', (result: Result) => {
    if (state.first === null && !result.ok && !result.todo && !result.skip) state.first = { path, result };
  });
  parser.on('child', (child: Parser) => watchFailures(child, [...path, child.name], state));
}

function fileResult(task: Task, point: Result, state: FileState | undefined, stderr: string, timeout: number): TaskResult {
  /* c8 ignore next - tap opens a subtest for every file it runs, and closes it before the file's point */
  const counts = state?.counts ?? { pass: 0, fail: 0, count: 0 };
  const base = { task, passed: counts.pass, failed: counts.fail, total: counts.count };
  if (point.ok) return { ...base, status: 'pass', message: null, at: null, diff: null };
  const first = state?.first ?? null;
  const failure = first === null ? null : [...first.path, first.result.name].join(' › ');
  // tap's point for a failed file always has diagnostics: how its process ended, or which file expired.
  // tap stops a file that runs too long with SIGALRM, and may report it as a point named "timeout!"
  const diag = point.diag as { exitCode?: number | null; signal?: string | null };
  if (timedOut(point)) {
    const message = [`the test file timed out: still running after ${timeout}s`, failure].filter((part) => part !== null).join(' — ');
    return { ...base, status: 'fail', message, at: null, diff: null };
  }
  if (first !== null) {
    const { diag } = first.result as { diag: { at?: { fileName?: string; lineNumber?: number }; diff?: string } | null };
    const at = diag?.at?.fileName !== undefined ? `packages/${task.package}/${diag.at.fileName}:${diag.at.lineNumber}` : null;
    return { ...base, status: 'fail', message: failure, at, diff: diag?.diff?.trimEnd() ?? null };
  }
  // tap's point for a failed file says how its process ended
  const how = typeof diag.signal === 'string' ? `was killed by ${diag.signal}` : `exited with code ${diag.exitCode}`;
  const reason = crashReason(stderr, basename(testFile(task)));
  return { ...base, status: 'fail', message: `the test file ${how}${counts.count === 0 ? ' before any test ran' : ''}${reason}`, at: null, diff: null };
}

/** The error line tap's child printed for this file, if one names it. */
function crashReason(stderr: string, file: string): string {
  const lines = stderr.split('\n');
  const index = lines.findIndex((text, at) => /\w*Error\b/.test(text) && lines.slice(at, at + 6).some((near) => near.includes(file)));
  return index === -1 ? '' : `: ${lines[index]!.trim()}`;
}

function firstLine(text: string): string {
  const line = text.split('\n').find((candidate) => candidate.trim() !== '');
  return line === undefined ? '' : `: ${line.trim()}`;
}
