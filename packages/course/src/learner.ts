/**
 * The learner loop: `list`, `verify`, `hint`, `watch`. Results are cached in
 * `.course/results.json`, keyed by a fingerprint of the packages a task's
 * tests can load, so a task is re-run only when code it depends on changed.
 */
import { createHash } from 'node:crypto';
import { watch as watchFiles, type FSWatcher } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dependencyClosure, packageGraph, type Course } from './course.ts';
import { hints } from './docs.ts';
import { courseFiles } from './files.ts';
import { plural, table, type Io } from './io.ts';
import { docPage, taskNumber, testFile, type Task } from './manifest.ts';
import { runTasks, type TaskResult } from './runner.ts';
import { STATE_DIR } from './workspace.ts';

const RESULTS = `${STATE_DIR}/results.json`;

type Cached = Omit<TaskResult, 'task'> & { fingerprint: string };

interface State {
  course: Course;
  fingerprints: Map<number, string>;
  cache: Record<string, Cached>;
}

async function load(course: Course): Promise<State> {
  const text = await readFile(join(course.root, RESULTS), 'utf8').catch(() => '{}');
  let cache: Record<string, Cached>;
  try {
    cache = JSON.parse(text) as Record<string, Cached>;
  } catch {
    cache = {}; // a damaged cache is only a slower run
  }
  return { course, fingerprints: await fingerprints(course), cache };
}

/** One fingerprint per task: the content of every file of the packages its tests can load. */
async function fingerprints(course: Course): Promise<Map<number, string>> {
  const graph = await packageGraph(course.root);
  const files = (await courseFiles(course.root)).filter((file) => file.startsWith('packages/'));
  const perPackage = new Map<string, string>();
  for (const pkg of graph.keys()) {
    const hash = createHash('sha256');
    for (const file of files.filter((candidate) => candidate.startsWith(`packages/${pkg}/`))) {
      hash.update(`${file}\0`).update(await readFile(join(course.root, file)).catch(() => Buffer.alloc(0))).update('\0');
    }
    perPackage.set(pkg, hash.digest('hex'));
  }
  const result = new Map<number, string>();
  for (const task of course.tasks) {
    const hash = createHash('sha256').update(testFile(task));
    for (const pkg of [...dependencyClosure(graph, task.package)].sort()) hash.update(`${pkg}:${perPackage.get(pkg)}\n`);
    result.set(task.id, hash.digest('hex'));
  }
  return result;
}

/** The cached result of a task when nothing it depends on changed since. */
function fresh(state: State, task: Task): TaskResult | null {
  const cached = state.cache[String(task.id)];
  if (cached === undefined || cached.fingerprint !== state.fingerprints.get(task.id)) return null;
  const { fingerprint: _, ...result } = cached;
  return { ...result, task };
}

async function save(state: State, results: readonly TaskResult[]): Promise<void> {
  for (const { task, ...result } of results) state.cache[String(task.id)] = { ...result, fingerprint: state.fingerprints.get(task.id)! };
  await mkdir(join(state.course.root, STATE_DIR), { recursive: true });
  await writeFile(join(state.course.root, RESULTS), `${JSON.stringify(state.cache, null, 2)}\n`);
}

/** `course list`: every task as done, next (the first not done) or to do. */
export async function list(course: Course, io: Io): Promise<number> {
  const state = await load(course);
  const stale = course.tasks.filter((task) => fresh(state, task) === null);
  if (stale.length > 0) {
    io.stderr.write(`running the tests of ${plural(stale.length, 'task')} changed since their last run…\n`);
    await save(state, await runTasks(course.root, stale));
  }
  const results = course.tasks.map((task) => fresh(state, task)!);
  const next = results.find((result) => result.status === 'fail');
  const rows = [['', 'id', 'task', 'package', 'tests']];
  for (const result of results) {
    const mark = result.status === 'pass' ? 'done' : result === next ? 'next →' : 'to do';
    rows.push([mark, taskNumber(result.task), result.task.title, result.task.package, `${result.passed}/${result.total}`]);
  }
  const done = results.filter((result) => result.status === 'pass').length;
  io.stdout.write(`${table(rows)}\n${done} of ${results.length} tasks done${next === undefined ? ': the course is complete' : `; next: task ${taskNumber(next.task)} (pnpm course verify)`}\n`);
  return 0;
}

/**
 * Runs the tasks in order, from the cache where nothing changed, and stops at
 * the first that fails. Gives that task's result, or null when every task passes.
 */
async function walk(course: Course, io: Io, signal?: AbortSignal): Promise<TaskResult | null> {
  const state = await load(course);
  for (const task of course.tasks) {
    const cached = fresh(state, task);
    const result = cached ?? (await runTasks(course.root, [task], { signal }))[0]!;
    if (cached === null && !signal?.aborted) await save(state, [result]);
    if (result.status === 'fail') return result;
    io.stdout.write(`✓ ${taskNumber(task)} ${task.title}${cached === null ? '' : ' (unchanged)'}\n`);
  }
  return null;
}

/** What a learner needs to know about the task they are on. */
function explain(result: TaskResult): string {
  const { task } = result;
  const lines = [
    '',
    `✗ Task ${taskNumber(task)}: ${task.title}  (packages/${task.package})`,
    `  ${result.passed} of ${result.total} tests pass`,
    `  read:    ${docPage(task)}`,
    `  failing: ${result.message}`,
  ];
  if (result.at !== null) lines.push(`           at ${result.at}`);
  if (result.diff !== null) lines.push(...result.diff.split('\n').map((line) => `           ${line}`));
  lines.push(`  re-run:  pnpm grade --task ${task.id}`, `  stuck?   pnpm course hint ${task.id}`, '');
  return lines.join('\n');
}

/** `course verify`: the tasks in order up to the first that fails, with what to do about it. */
export async function verify(course: Course, io: Io): Promise<number> {
  const failing = await walk(course, io);
  if (failing !== null) {
    io.stdout.write(explain(failing));
    return 1;
  }
  io.stdout.write(`\nAll ${course.tasks.length} tasks pass: the course is complete.\n`);
  return 0;
}

/** `course hint [N]`: the hints of task N, or of the first task not verified as done. */
export async function hint(course: Course, io: Io, task?: Task): Promise<number> {
  let chosen = task;
  if (chosen === undefined) {
    const state = await load(course);
    chosen = course.tasks.find((candidate) => fresh(state, candidate)?.status !== 'pass');
    if (chosen === undefined) {
      io.stdout.write('Every task passes: no hints needed. `pnpm course hint N` shows the hints of task N.\n');
      return 0;
    }
  }
  io.stdout.write(`Hints for task ${taskNumber(chosen)}: ${chosen.title}  (${docPage(chosen)})\n\n${await hints(course, chosen)}`);
  return 0;
}

/** Changes that are not the learner's code: installs, tap's own records, our cache. */
function ignored(file: string): boolean {
  return /(^|\/)(node_modules|\.tap|\.course|coverage|dist)(\/|$)/.test(file);
}

export interface WatchOptions {
  /** Quiet time after the last change before the tests run again, in ms (300 by default; none when options are given without it). */
  debounce?: number;
  /** Called when a run has finished (for tests). */
  onRun?: (failing: TaskResult | null) => void;
}

/** `course watch`: verify now, and again whenever a file under packages/ changes, until `signal` aborts. */
export async function watch(course: Course, io: Io, signal?: AbortSignal, options: WatchOptions = { debounce: 300 }): Promise<number> {
  const runs = new AbortController();
  let running: Promise<void> | null = null;
  let again = false;
  const once = async (): Promise<void> => {
    const failing = await walk(course, io, runs.signal);
    if (runs.signal.aborted) return;
    io.stdout.write(failing === null ? `\nAll ${course.tasks.length} tasks pass: the course is complete.\n` : explain(failing));
    io.stdout.write('watching packages/ for changes (Ctrl-C to stop)…\n');
    options.onRun?.(failing);
  };
  const start = (): void => {
    if (running !== null) {
      again = true;
      return;
    }
    running = once().finally(() => {
      running = null;
      if (again && !runs.signal.aborted) {
        again = false;
        start();
      }
    });
  };

  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  const changed = (file: string): void => {
    if (ignored(file)) return;
    clearTimeout(timer);
    timer = setTimeout(start, options.debounce);
  };
  const packages = join(course.root, 'packages');
  for (const pkg of await readdir(packages, { withFileTypes: true })) {
    if (!pkg.isDirectory()) continue;
    const dir = join(packages, pkg.name);
    watchers.push(watchFiles(dir, (_, name) => changed(`${pkg.name}/${name}`)));
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !ignored(entry.name)) {
        watchers.push(watchFiles(join(dir, entry.name), { recursive: true }, (_, name) => changed(`${pkg.name}/${entry.name}/${name}`)));
      }
    }
  }
  start();
  await new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  clearTimeout(timer);
  for (const watcher of watchers) watcher.close();
  runs.abort();
  await running;
  io.stdout.write('\nstopped watching\n');
  return 0;
}
