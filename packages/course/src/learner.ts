/**
 * The learner loop: `list`, `verify`, `hint`, `watch`. Results are cached in
 * `.course/results.json`, keyed by a fingerprint of the packages a task's
 * tests can load, so a task is re-run only when code it depends on changed;
 * and a task that passed is re-checked only when the change can reach the
 * code its tests ran (last-runs.ts).
 */
import { createHash } from 'node:crypto';
import { watch as watchFiles, type FSWatcher } from 'node:fs';
import { mkdir, readFile, readdir, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dependencyClosure, packageGraph, type Course } from './course.ts';
import type { Script } from './execution.ts';
import { courseFiles } from './files.ts';
import { readHints, type Hint } from './hints.ts';
import { plural, table, type Io } from './io.ts';
import { keepRun, mustRecheck } from './last-runs.ts';
import { docPage, taskNumber, testFile, type Task } from './manifest.ts';
import { runTasks, type RunOptions, type TaskResult } from './runner.ts';
import { skipMessage } from './verdicts.ts';
import { STATE_DIR } from './workspace.ts';

const RESULTS = `${STATE_DIR}/results.json`;

type Cached = Omit<TaskResult, 'task' | 'loaded' | 'execution'> & { fingerprint: string };

interface State {
  course: Course;
  realRoot: string;
  fingerprints: Map<number, string>;
  /** For each task, the files of the packages its tests can load, with their content hashes. */
  files: Map<number, Record<string, string>>;
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
  return { course, realRoot: await realpath(course.root), cache, ...(await fingerprints(course)) };
}

/** One fingerprint per task: the content of every file of the packages its tests can load. */
async function fingerprints(course: Course): Promise<Pick<State, 'fingerprints' | 'files'>> {
  const graph = await packageGraph(course.root);
  const hashes = new Map<string, string>();
  for (const file of (await courseFiles(course.root)).filter((candidate) => candidate.startsWith('packages/'))) {
    hashes.set(file, createHash('sha256').update(await readFile(join(course.root, file)).catch(() => Buffer.alloc(0))).digest('hex'));
  }
  const perPackage = new Map<string, string>();
  for (const pkg of graph.keys()) {
    const hash = createHash('sha256');
    for (const [file, digest] of hashes) if (file.startsWith(`packages/${pkg}/`)) hash.update(`${file}\0${digest}\0`);
    perPackage.set(pkg, hash.digest('hex'));
  }
  const result: Pick<State, 'fingerprints' | 'files'> = { fingerprints: new Map(), files: new Map() };
  for (const task of course.tasks) {
    const hash = createHash('sha256').update(testFile(task));
    const packages = [...dependencyClosure(graph, task.package)].sort();
    for (const pkg of packages) hash.update(`${pkg}:${perPackage.get(pkg)}\n`);
    result.fingerprints.set(task.id, hash.digest('hex'));
    result.files.set(task.id, Object.fromEntries([...hashes].filter(([file]) => packages.some((pkg) => file.startsWith(`packages/${pkg}/`)))));
  }
  return result;
}

/** The cached result of a task when nothing it depends on changed since. */
function fresh(state: State, task: Task): TaskResult | null {
  const cached = state.cache[String(task.id)];
  if (cached === undefined || cached.fingerprint !== state.fingerprints.get(task.id)) return null;
  const { fingerprint: _, ...result } = cached;
  // results cached before tests and skips were recorded have neither
  return { ...result, tests: result.tests ?? [], skipped: result.skipped ?? [], task };
}

/** A line under a passing task whose tests skipped some: they did not run, and what they need. */
function skipNote(result: TaskResult): string {
  return result.skipped.length === 0 ? '' : `  ⚠ ${skipMessage(result)}\n`;
}

/** Runs tasks' tests, recording what they execute (kept with the results by `save`). */
function run(state: State, tasks: readonly Task[], options: RunOptions = {}): Promise<TaskResult[]> {
  return runTasks(state.course.root, tasks, { ...options, loads: true });
}

async function save(state: State, results: readonly TaskResult[]): Promise<void> {
  for (const { task, loaded: _, execution: __, ...result } of results) state.cache[String(task.id)] = { ...result, fingerprint: state.fingerprints.get(task.id)! };
  await mkdir(join(state.course.root, STATE_DIR), { recursive: true });
  await writeFile(join(state.course.root, RESULTS), `${JSON.stringify(state.cache, null, 2)}\n`);
  for (const result of results) await keepRun(state.course.root, state.realRoot, result, state.files.get(result.task.id)!);
}

/** `course list`: every task as done, next (the first not done) or to do. */
export async function list(course: Course, io: Io): Promise<number> {
  const state = await load(course);
  const stale = course.tasks.filter((task) => fresh(state, task) === null);
  if (stale.length > 0) {
    io.stderr.write(`running the tests of ${plural(stale.length, 'task')} changed since their last run…\n`);
    await save(state, await run(state, stale));
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

/** `12/21 ▓▓▓▓▓▓▓▓▓▓▓░░░░░░░░░`: tasks done out of all. */
export function progressBar(done: number, total: number, width = 20): string {
  const full = total === 0 ? width : Math.round((done / total) * width);
  return `${done}/${total} ${'▓'.repeat(full)}${'░'.repeat(width - full)}`;
}

/** One line about a task: what it is about and how long it takes. */
export function taskSummary(task: Task): string {
  return `task ${taskNumber(task)} — ${task.title} (about ${task.minutes} min): ${task.objectives.join('; ')}`;
}

/**
 * Finds the task the learner is on and gives its verdict first: tasks whose
 * cached result still holds are skipped; the first task without a pass runs
 * alone, so its verdict comes as fast as one test file can run. Tasks that
 * passed before but whose code changed since are re-checked afterwards, all
 * at once; the earliest task that fails is the one to work on.
 * Gives that task's result, or null when every task passes.
 */
async function walk(course: Course, io: Io, signal?: AbortSignal): Promise<TaskResult | null> {
  const state = await load(course);
  const passing = new Set<Task>();
  const recheck: Task[] = [];
  /** The runs made by this walk. */
  const ran: TaskResult[] = [];
  let failing: TaskResult | null = null;
  for (const task of course.tasks) {
    const cached = fresh(state, task);
    if (cached?.status === 'pass') {
      passing.add(task);
      io.stdout.write(`✓ ${taskNumber(task)} ${task.title} (unchanged)\n${skipNote(cached)}`);
      continue;
    }
    if (cached === null && state.cache[String(task.id)]?.status === 'pass') {
      recheck.push(task); // it passed; code it depends on changed: checked once the current task has its verdict
      continue;
    }
    const result = cached ?? (await run(state, [task], { signal }))[0]!;
    if (cached === null) ran.push(result);
    if (signal?.aborted) return null;
    if (cached === null) await save(state, [result]);
    if (result.status === 'fail') {
      failing = result;
      break;
    }
    passing.add(task);
    io.stdout.write(`✓ ${taskNumber(task)} ${task.title}\n${skipNote(result)}`);
    const next = course.tasks[course.tasks.indexOf(task) + 1];
    if (next !== undefined) io.stdout.write(`  next: ${taskSummary(next)}\n`);
  }
  if (failing !== null) io.stdout.write(explain(failing));
  // A task that passed is re-checked only if the change can reach what its tests ran; the code a
  // changed file runs as now comes from the runs just made (the task being worked on loads it).
  const now = (file: string): Script | undefined => {
    const path = join(state.realRoot, file);
    return ran.find((result) => result.execution?.coverage.has(path))?.execution?.scripts.get(path);
  };
  const unreached: Task[] = [];
  for (const task of [...recheck]) {
    if (await mustRecheck(course.root, state.realRoot, task, state.files.get(task.id)!, now)) continue;
    recheck.splice(recheck.indexOf(task), 1);
    unreached.push(task);
    state.cache[String(task.id)]!.fingerprint = state.fingerprints.get(task.id)!;
    passing.add(task);
    io.stdout.write(`✓ ${taskNumber(task)} ${task.title} (its tests never ran what changed)\n`);
  }
  if (unreached.length > 0) await save(state, []);
  if (recheck.length > 0) {
    io.stdout.write(`re-checking ${plural(recheck.length, 'earlier task')} whose code changed…\n`);
    const results = await run(state, recheck, { signal });
    /* c8 ignore next - only a stop landing while the re-check runs reaches this; a test would race the abort against the test processes */
    if (signal?.aborted) return null;
    await save(state, results);
    for (const result of results) {
      if (result.status === 'pass') {
        passing.add(result.task);
        io.stdout.write(`✓ ${taskNumber(result.task)} ${result.task.title} (re-checked)\n${skipNote(result)}`);
      }
    }
    const broken = results.find((result) => result.status === 'fail');
    if (broken !== undefined) {
      io.stdout.write(`\nTask ${taskNumber(broken.task)} passed before and fails now:${explain(broken)}`);
      failing = broken;
    }
  }
  for (const task of course.tasks) if (!passing.has(task) && fresh(state, task)?.status === 'pass') passing.add(task);
  io.stdout.write(`\n${progressBar(passing.size, course.tasks.length)}\n`);
  return failing;
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

/**
 * `course verify`: the tasks in order up to the first that fails, with what to do about it.
 * A failing task is the answer verify was asked for, not an error of the tool: the
 * status is 0 (pnpm would add lines of its own otherwise); `pnpm grade` gives a pass/fail status.
 */
export async function verify(course: Course, io: Io): Promise<number> {
  const failing = await walk(course, io);
  if (failing === null) io.stdout.write(`\nAll ${course.tasks.length} tasks pass: the course is complete.\n`);
  return 0;
}

const STATE = `${STATE_DIR}/state.json`;

interface LearnerState {
  /** How many hints of each task the learner has seen. */
  hintsSeen: Record<string, number>;
}

async function learnerState(course: Course): Promise<LearnerState> {
  const text = await readFile(join(course.root, STATE), 'utf8').catch(() => '{}');
  try {
    return { hintsSeen: {}, ...(JSON.parse(text) as Partial<LearnerState>) };
  } catch {
    return { hintsSeen: {} };
  }
}

async function saveLearnerState(course: Course, state: LearnerState): Promise<void> {
  await mkdir(join(course.root, STATE_DIR), { recursive: true });
  await writeFile(join(course.root, STATE), `${JSON.stringify(state, null, 2)}\n`);
}

/** Whether the task passes, re-running its tests unless a cached result still holds. */
export async function passes(course: Course, task: Task): Promise<boolean> {
  const state = await load(course);
  const cached = fresh(state, task);
  if (cached !== null) return cached.status === 'pass';
  const [result] = await run(state, [task]);
  await save(state, [result!]);
  return result!.status === 'pass';
}

/** The first task not verified as done, from the cached results. */
async function currentTask(course: Course): Promise<Task | undefined> {
  const state = await load(course);
  return course.tasks.find((candidate) => fresh(state, candidate)?.status !== 'pass');
}

/** One hint as printed: `Hint 2 of 3 (its title):` and its text. */
function showHint(hint: Hint, index: number, count: number): string {
  return `Hint ${index + 1} of ${count}${hint.title === '' ? '' : ` (${hint.title})`}:\n${hint.text}\n`;
}

/**
 * `course hint [N] [--all]`: the next hint of task N (default: the current task)
 * that the learner has not seen yet, or with `all`, every hint of it. The hints
 * come from the task's hint file (hints.ts), not from its page.
 */
export async function hint(course: Course, io: Io, task?: Task, options: { all?: boolean } = {}): Promise<number> {
  const chosen = task ?? (await currentTask(course));
  if (chosen === undefined) {
    io.stdout.write('Every task passes: no hints needed. `pnpm course hint N` shows the hints of task N.\n');
    return 0;
  }
  const list = await readHints(course, chosen);
  const state = await learnerState(course);
  const key = String(chosen.id);
  const seen = Math.min(state.hintsSeen[key] ?? 0, list.length);
  const head = `Task ${taskNumber(chosen)}: ${chosen.title}  (${docPage(chosen)})`;
  if (options.all) {
    io.stdout.write(`${head}\n\n${list.map((item, index) => showHint(item, index, list.length)).join('\n')}`);
    state.hintsSeen[key] = list.length;
  } else if (seen >= list.length) {
    io.stdout.write(`${head}\n\nYou have seen all ${plural(list.length, 'hint')} of this task. \`pnpm course hint ${chosen.id} --all\` shows them again.\n`);
  } else {
    const more = seen + 1 < list.length ? `\n(\`pnpm course hint${task === undefined ? '' : ` ${chosen.id}`}\` again for hint ${seen + 2}; \`--all\` for all of them)\n` : '\n(that was the last hint)\n';
    io.stdout.write(`${head}\n\n${showHint(list[seen]!, seen, list.length)}${more}`);
    state.hintsSeen[key] = seen + 1;
  }
  await saveLearnerState(course, state);
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
    if (failing === null) io.stdout.write(`\nAll ${course.tasks.length} tasks pass: the course is complete.\n`);
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
