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
import { courseFiles, exists } from './files.ts';
import { contentHash } from './fingerprint.ts';
import { readHints, type Hint } from './hints.ts';
import { plural, table, type Io } from './io.ts';
import { keepRun, mustRecheck } from './last-runs.ts';
import { docPage, taskNumber, testFile, type Task } from './manifest.ts';
import { runTasks, withTypeErrors, type RunOptions, type TaskResult } from './runner.ts';
import { typeErrorsByTask } from './task-types.ts';
import { TypeChecker, type TypeErrorAt } from './typecheck.ts';
import { skipMessage } from './verdicts.ts';
import { STATE_DIR } from './workspace.ts';

const RESULTS = `${STATE_DIR}/results.json`;
/** The hash of each file without comments and white space (fingerprint.ts), by the hash of its bytes: a cache, which git is told to leave out. */
const HASHES_DIR = `${STATE_DIR}/hashes`;
const HASHES = `${HASHES_DIR}/hashes.json`;

type Cached = Omit<TaskResult, 'task' | 'loaded' | 'execution'> & { fingerprint: string };

interface State {
  course: Course;
  realRoot: string;
  fingerprints: Map<number, string>;
  /** For each task, the files of the packages its tests can load, with their content hashes. */
  files: Map<number, Record<string, string>>;
  /** Which packages each package depends on. */
  graph: Map<string, Set<string>>;
  /** The course's files under packages/. */
  sources: string[];
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

/**
 * One fingerprint per task: the content of every file of the packages its tests
 * can load, code without its comments and white space (fingerprint.ts), so that
 * editing a comment re-runs nothing.
 */
async function fingerprints(course: Course): Promise<Pick<State, 'fingerprints' | 'files' | 'graph' | 'sources'>> {
  const graph = await packageGraph(course.root);
  const hashes = new Map<string, string>();
  // a file's hash without comments and white space costs a parse: kept by the hash of its bytes
  const known = await readFile(join(course.root, HASHES), 'utf8')
    .then((text) => JSON.parse(text) as Record<string, string>)
    .catch((): Record<string, string> => ({})); // missing or damaged: every file is hashed again
  const kept: Record<string, string> = {};
  const sources = (await courseFiles(course.root)).filter((candidate) => candidate.startsWith('packages/'));
  for (const file of sources) {
    const content = await readFile(join(course.root, file)).catch(() => Buffer.alloc(0));
    const bytes = createHash('sha256').update(file).update('\0').update(content).digest('hex');
    kept[bytes] = known[bytes] ?? contentHash(file, content);
    hashes.set(file, kept[bytes]);
  }
  if (Object.keys(kept).length !== Object.keys(known).length || Object.keys(kept).some((bytes) => known[bytes] === undefined)) {
    await mkdir(join(course.root, HASHES_DIR), { recursive: true });
    await writeFile(join(course.root, HASHES_DIR, '.gitignore'), '*\n');
    await writeFile(join(course.root, HASHES), JSON.stringify(kept));
  }
  const perPackage = new Map<string, string>();
  for (const pkg of graph.keys()) {
    const hash = createHash('sha256');
    for (const [file, digest] of hashes) if (file.startsWith(`packages/${pkg}/`)) hash.update(`${file}\0${digest}\0`);
    perPackage.set(pkg, hash.digest('hex'));
  }
  const result: Pick<State, 'fingerprints' | 'files' | 'graph' | 'sources'> = { fingerprints: new Map(), files: new Map(), graph, sources };
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
  return fromCache(cached, task);
}

/** A task's result as the cache keeps it. */
function fromCache(cached: Cached, task: Task): TaskResult {
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
 * The type checks of a learner loop, one at a time in one kept checker
 * (typecheck.ts): later checks parse only the files that changed. A check
 * covers the tasks' files, in a program rooted at the `src` files of the
 * packages their tests can load (not at every test, bench and wrong answer of
 * the tree: fewer declaration files to parse). Without a tsconfig.json or an
 * installed TypeScript, nothing is checked.
 */
class TypeChecks {
  #checker: TypeChecker | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #pending = 0;
  /** A check has ended: the next one parses only what changed since. */
  warm = false;

  /** `kept`: the checker lives as long as the session (watch), not one command (verify). */
  constructor(
    readonly course: Course,
    readonly kept: boolean,
  ) {}

  /** The compiler's errors of each task, after the checks asked for before. */
  check(state: State, tasks: readonly Task[]): Promise<Map<number, TypeErrorAt[]>> {
    this.#pending += 1;
    const next = this.#queue.then(async () => {
      const { root } = this.course;
      if (!(await exists(join(root, 'tsconfig.json'))) || !(await exists(join(root, 'node_modules/typescript/package.json')))) return new Map<number, TypeErrorAt[]>();
      const packages = new Set(tasks.flatMap((task) => [...dependencyClosure(state.graph, task.package)]));
      const roots = state.sources.filter((file) => /\.(ts|mts|cts)$/.test(file) && [...packages].some((pkg) => file.startsWith(`packages/${pkg}/src/`)));
      this.#checker ??= new TypeChecker(root);
      return typeErrorsByTask(this.course, root, tasks, { checker: this.#checker, roots });
    });
    this.#queue = next.then(() => (this.warm = true), noErrors).finally(() => (this.#pending -= 1));
    return next;
  }

  /** Ends the checker: at once when a check nobody waits for is still running. */
  async close(): Promise<void> {
    if (this.#checker === null) return;
    // whether a check is still running depends on which ended first, it or the test process
    /* c8 ignore next */
    await (this.#pending > 0 ? this.#checker.stop() : this.#checker.close());
  }
}

/**
 * A check that did not end (the checker was stopped, or TypeScript threw) found
 * no errors: the tests' verdict stands.
 */
/* c8 ignore next 3 - see TypeChecks.close: reached only when a check is stopped before it ends */
function noErrors(): null {
  return null;
}

/** What a walk found before any earlier task is re-checked. */
interface Verdict {
  state: State;
  /** The first task that does not pass (its verdict has been printed), or null. */
  failing: TaskResult | null;
  /** Tasks that passed before and whose code changed since: not checked yet. */
  recheck: Task[];
  /** The runs made so far. */
  ran: TaskResult[];
  passing: Set<Task>;
}

/** `00–04, 07`: task numbers, runs of three or more as ranges. */
function ranges(tasks: readonly Task[]): string {
  const ids = tasks.map((task) => task.id).sort((a, b) => a - b);
  const parts: string[] = [];
  for (let at = 0; at < ids.length; ) {
    let to = at;
    while (to + 1 < ids.length && ids[to + 1] === ids[to]! + 1) to++;
    const [first, last] = [taskNumber({ id: ids[at]! }), taskNumber({ id: ids[to]! })];
    if (to - at >= 2) parts.push(`${first}–${last}`);
    else parts.push(...ids.slice(at, to + 1).map((id) => taskNumber({ id })));
    at = to + 1;
  }
  return parts.join(', ');
}

/**
 * Finds the task the learner is on and prints its verdict, before anything
 * else runs: tasks whose cached result still holds are one summary line; the
 * first task without a pass runs alone (its files type-checked meanwhile), so
 * its verdict comes as fast as one test file can run. Tasks that passed
 * before and whose code changed since are left for `recheck`.
 */
async function verdict(course: Course, io: Io, types: TypeChecks, signal?: AbortSignal): Promise<Verdict | null> {
  const state = await load(course);
  const passing = new Set<Task>();
  const recheck: Task[] = [];
  const ran: TaskResult[] = [];
  const unchanged: Task[] = [];
  const notes: string[] = [];
  let failing: TaskResult | null = null;
  let ahead: Ahead | null = null;
  let summarized = false;
  // the tasks that still pass, in one line: what the learner needs is the verdict below it
  const summary = (): void => {
    if (summarized || unchanged.length === 0) return;
    summarized = true;
    io.stdout.write(`✓ ${plural(unchanged.length, 'task')} unchanged since ${unchanged.length === 1 ? 'it' : 'they'} passed (${ranges(unchanged)})\n${notes.join('')}`);
  };
  for (const task of course.tasks) {
    const cached = fresh(state, task);
    if (cached?.status === 'pass') {
      passing.add(task);
      unchanged.push(task);
      if (cached.skipped.length > 0) notes.push(`  ⚠ ${taskNumber(task)}: ${skipMessage(cached)}\n`);
      continue;
    }
    if (cached === null && state.cache[String(task.id)]?.status === 'pass') {
      recheck.push(task); // it passed; code it depends on changed: checked once the current task has its verdict
      continue;
    }
    let result = cached;
    if (result === null) {
      const checking = types.check(state, [task]);
      const tested = ahead?.task === task ? (await ahead.results)[0]! : (await run(state, [task], { signal }))[0]!;
      ahead = null;
      // a pass needs the files to type-check; a failure is shown at once, with its type errors when
      // watch's kept checker has them (a check of only what changed: the first one parses every declaration)
      const wait = tested.status === 'pass' || (types.kept && types.warm);
      // while a passing task's files are checked, the next task's tests run: its verdict is what the learner waits for next
      if (tested.status === 'pass') ahead = runAhead(state, course.tasks.indexOf(task), signal);
      const errors = wait ? await checking.catch(noErrors) : (checking.catch(noErrors), null);
      result = withTypeErrors(tested, errors?.get(task.id) ?? []);
      ran.push(result);
      if (signal?.aborted) return null;
      await save(state, [result]);
    }
    summary();
    if (result.status === 'fail') {
      failing = result;
      break;
    }
    passing.add(task);
    io.stdout.write(`✓ ${taskNumber(task)} ${task.title}\n${skipNote(result)}`);
    const next = course.tasks[course.tasks.indexOf(task) + 1];
    if (next !== undefined) io.stdout.write(`  next: ${taskSummary(next)}\n`);
  }
  summary();
  if (failing !== null) io.stdout.write(explain(failing));
  // a task ahead whose verdict is not wanted (the one before it failed its type check) is stopped
  if (ahead !== null) {
    ahead.stop.abort();
    await ahead.results;
  }
  return { state, failing, recheck, ran, passing };
}

/** The tests of the task after a passing one, started while the passing one is type-checked. */
interface Ahead {
  task: Task;
  results: Promise<TaskResult[]>;
  stop: AbortController;
}

/**
 * Starts the tests of the task `verdict` will run after the one at `index`, if
 * it will run one: the first later task that has no result for its code as it
 * is now, unless it passed before (re-checked after the verdict) or a task
 * before it has a fresh result that fails (the verdict stops there).
 */
function runAhead(state: State, index: number, signal?: AbortSignal): Ahead | null {
  for (const task of state.course.tasks.slice(index + 1)) {
    const cached = fresh(state, task);
    if (cached?.status === 'pass') continue;
    if (cached !== null) return null;
    if (state.cache[String(task.id)]?.status === 'pass') continue;
    const stop = new AbortController();
    const results = run(state, [task], { signal: signal === undefined ? stop.signal : AbortSignal.any([signal, stop.signal]) });
    return { task, results, stop };
  }
  return null;
}

/**
 * Re-checks the tasks that passed before and whose code changed, once the
 * current task has its verdict. A task is run again only if the change can
 * reach what its tests ran (the code a changed file runs as now comes from the
 * runs just made: the task being worked on loads it); its files are
 * type-checked either way. Prints what it finds in a few lines, and the
 * earliest task that fails now as the one to work on.
 * Gives the task to work on, or null when every task passes.
 */
async function recheck(found: Verdict, io: Io, types: TypeChecks, signal?: AbortSignal): Promise<TaskResult | null> {
  const { state, recheck: tasks, ran, passing } = found;
  const { course } = state;
  let failing = found.failing;
  if (tasks.length > 0) {
    io.stdout.write(`re-checking ${plural(tasks.length, 'earlier task')} whose code changed…\n`);
    const now = (file: string): Script | undefined => {
      const path = join(state.realRoot, file);
      return ran.find((result) => result.execution?.coverage.has(path))?.execution?.scripts.get(path);
    };
    const rerun: Task[] = [];
    for (const task of tasks) if (await mustRecheck(course.root, state.realRoot, task, state.files.get(task.id)!, now)) rerun.push(task);
    const checking = types.check(state, tasks);
    const tested = await run(state, rerun, { signal });
    const errors = await checking.catch(noErrors);
    /* c8 ignore next - only a stop or a new change landing while the re-check runs reaches this; a test would race the abort against the test processes */
    if (signal?.aborted) return null;
    const results: TaskResult[] = [];
    for (const task of tasks) {
      const own = tested.find((result) => result.task === task);
      // not run again: its last result stands, with the type check of its files as they are now
      const result = own ?? fromCache(state.cache[String(task.id)]!, task);
      results.push(withTypeErrors(result, errors?.get(task.id) ?? []));
    }
    await save(state, results);
    const still = results.filter((result) => result.status === 'pass');
    for (const result of still) passing.add(result.task);
    const notes = still.map(skipNote).join('');
    const unrun = still.filter((result) => !rerun.includes(result.task)).length;
    if (still.length > 0) io.stdout.write(`✓ ${still.length === tasks.length ? 'all' : still.length} still pass (${ranges(still.map((result) => result.task))})${unrun > 0 ? `; ${unrun} not run again: their tests never ran what changed` : ''}\n${notes}`);
    const broken = results.find((result) => result.status === 'fail');
    if (broken !== undefined) {
      io.stdout.write(`\nTask ${taskNumber(broken.task)} passed before and fails now:${explain(broken)}`);
      failing = broken;
    }
  }
  for (const task of course.tasks) if (!passing.has(task) && fresh(state, task)?.status === 'pass') passing.add(task);
  io.stdout.write(`${progressBar(passing.size, course.tasks.length)}\n`);
  return failing;
}

/** The current task's verdict, then the re-check of earlier tasks: the task to work on, or null when every task passes. */
async function walk(course: Course, io: Io, types: TypeChecks): Promise<TaskResult | null> {
  // without a signal to stop it, a verdict is always found
  const found = (await verdict(course, io, types))!;
  return recheck(found, io, types);
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
  const types = new TypeChecks(course, false);
  try {
    const failing = await walk(course, io, types);
    if (failing === null) io.stdout.write(`\nAll ${course.tasks.length} tasks pass: the course is complete.\n`);
  } finally {
    await types.close();
  }
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
  /** Called when a run has given its verdict and, when no earlier task needs a re-check, ended (for tests). */
  onRun?: (failing: TaskResult | null) => void;
  /** Called when the re-check of earlier tasks that followed a verdict has ended (for tests). */
  onRecheck?: (failing: TaskResult | null) => void;
}

/**
 * `course watch`: verify now, and again whenever a file under packages/ changes,
 * until `signal` aborts. Earlier tasks are re-checked after the verdict, in the
 * background: a change meanwhile stops that re-check and starts a new run (the
 * tasks not re-checked are re-checked by a later one). One type checker is kept
 * for the whole session, so each check parses only what changed.
 */
export async function watch(course: Course, io: Io, signal?: AbortSignal, options: WatchOptions = { debounce: 300 }): Promise<number> {
  const runs = new AbortController();
  const types = new TypeChecks(course, true);
  let running: Promise<void> | null = null;
  let again = false;
  /** Stops the re-check of the run in progress, once it has its verdict. */
  let background: AbortController | null = null;
  const finish = (failing: TaskResult | null): void => {
    if (failing === null) io.stdout.write(`\nAll ${course.tasks.length} tasks pass: the course is complete.\n`);
    io.stdout.write('watching packages/ for changes (Ctrl-C to stop)…\n');
  };
  const once = async (): Promise<void> => {
    const found = await verdict(course, io, types, runs.signal);
    if (found === null || runs.signal.aborted) return;
    if (found.recheck.length === 0) {
      const failing = await recheck(found, io, types);
      finish(failing);
      options.onRun?.(failing);
      return;
    }
    options.onRun?.(found.failing);
    const stop = new AbortController();
    background = stop;
    const failing = await recheck(found, io, types, AbortSignal.any([runs.signal, stop.signal]));
    background = null;
    /* c8 ignore next - a change or a stop while the re-check runs: a test would race it against the test processes */
    if (stop.signal.aborted || runs.signal.aborted) return;
    finish(failing);
    options.onRecheck?.(failing);
  };
  const start = (): void => {
    if (running !== null) {
      again = true;
      // a change while the re-check runs stops it; a test would race the file event against the test processes
      /* c8 ignore next */
      background?.abort();
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
  await types.close();
  io.stdout.write('\nstopped watching\n');
  return 0;
}
