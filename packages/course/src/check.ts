/**
 * `pnpm course check`: the staging proof. For every task k, in manifest order,
 * with the tasks before k solved and k stubbed, k's tests fail and the earlier
 * tasks' tests pass; with k solved, k's tests pass; and the tree type-checks.
 *
 * One copy of the tree is rewritten step by step: step j has the tasks up to j
 * solved, so one run checks "j passes, j+1 fails, earlier still pass". An
 * earlier task is re-run only when step j changed code its tests ran when they
 * last ran: a test's result can only change when something it runs changes
 * (see execution.ts for the rule, and the docs' "For the course's authors").
 * The types are checked by one TypeScript program kept across the steps
 * (typecheck.ts), at the same time as the tests run.
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { availableParallelism as availableJobs, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CourseError, affectedPackages, packageGraph, type Course } from './course.ts';
import { cpuSince, cpuTimes, load } from './cpu.ts';
import { docsProblems } from './docs.ts';
import { mayChange, type Execution, type Script } from './execution.ts';
import { exists } from './files.ts';
import { plural, seconds, type Io } from './io.ts';
import { taskNumber, testFile, type Task } from './manifest.ts';
import { runBatch, runTasks, type TaskResult } from './runner.ts';
import { StagedTree } from './stage.ts';
import { TypeChecker } from './typecheck.ts';
import { isWorkspace } from './workspace.ts';

export interface CheckOptions {
  /** Type-check the tree at every step (when TypeScript is installed). Default true. */
  typecheck?: boolean;
  /** Keep the staged tree for inspection instead of removing it. */
  keep?: boolean;
  /** Test files run at once. */
  jobs?: number;
  /** Re-run earlier tasks' files several to a process (runBatch). Default true. */
  batch?: boolean;
}

interface Row {
  task: Task;
  stub: string;
  solution: string;
  earlier: string;
  time: string;
  /** Why the stub fails: the first failure, shown under the row. */
  why: string;
}

/** What a task's tests loaded and ran the last time they ran, by path relative to the tree. */
interface LastRun {
  loaded: Set<string>;
  execution: Execution;
  /** How long the run took, in ms: a step starts its longest re-runs first. */
  ms: number;
}

/** The tally of a whole check, for the closing figures. */
interface Tally {
  runs: number;
  rerun: number;
  /** Test processes that ran several earlier tasks' files, and files that failed in one and ran again alone. */
  batches: number;
  alone: number;
  /** Earlier tasks whose tests loaded a changed file but never ran the change. */
  unreached: number;
  /** How long each type check took, in ms: the whole tree first, then one per step. */
  typecheckMs: number[];
}

export async function check(course: Course, io: Io, options: CheckOptions = {}): Promise<number> {
  if (await isWorkspace(course.root)) {
    throw new CourseError('this is a learner workspace: its solutions are gone, so there is no staging to check (run it in the course repository)');
  }
  const started = Date.now();
  const cpuBefore = await cpuTimes();
  const loadBefore = load();
  const problems: string[] = [];
  const say = (text: string): void => void io.stdout.write(text);

  problems.push(...(await docsProblems(course)));
  const dir = await mkdtemp(join(tmpdir(), 'hallpass-check-'));
  let checker: TypeChecker | null = null;
  try {
    const tree = await StagedTree.create(course, dir);
    await tree.linkNodeModules(course);
    const graph = await packageGraph(dir);
    const realDir = await realpath(dir);
    const inTree = (files: Iterable<string>): string[] => [...files].map((file) => relative(realDir, file)).filter((file) => !file.startsWith('..'));
    const last = new Map<Task, LastRun>();
    const withRegion = tree.taskIds;
    const missing = new Set<Task>();
    for (const task of course.tasks) {
      if (!(await exists(join(dir, testFile(task))))) missing.add(task);
      if (!withRegion.has(task.id)) problems.push(`task ${taskNumber(task)}: no \`// #region ${`task-${taskNumber(task)}`}\` in the sources, so its stub cannot differ from its solution`);
    }
    const typecheck = options.typecheck !== false && (await exists(join(dir, 'node_modules/typescript/bin/tsc'))) && (await exists(join(dir, 'tsconfig.json')));
    if (typecheck) checker = new TypeChecker(dir);
    say(`staging check of ${course.tasks.length} tasks in ${dir}${typecheck ? '' : ' (types not checked)'}\n\n`);
    const rows: Row[] = [];
    const widths = [2, Math.max(...course.tasks.map((task) => task.title.length)), 12, 14, 28, 0];
    const line = (cells: string[]): string => `${cells.map((cell, index) => cell.padEnd(widths[index]!)).join('  ').trimEnd()}\n`;
    say(line(['id', 'task', 'stub', 'solution', 'earlier tasks', 'time']));

    const tally: Tally = { runs: 0, rerun: 0, batches: 0, alone: 0, unreached: 0, typecheckMs: [] };
    const jobs = Math.max(1, options.jobs ?? availableJobs());
    const slots = limit(jobs);
    const runOne = async (task: Task): Promise<TaskResult> => {
      let ms = 0;
      const [result] = await slots(async () => {
        const begun = Date.now();
        const results = await runTasks(dir, [task], { loads: true });
        ms = Date.now() - begun;
        return results;
      });
      remember(result!, ms);
      return result!;
    };
    /** Keeps what a task's run loaded and ran, for the next steps' decisions. */
    const remember = (result: TaskResult, ms: number): void => {
      tally.runs++;
      // the tree has tap and the test file (missing ones are not run): the runner recorded the run
      const execution = result.execution!;
      const loaded = new Set(inTree([...result.loaded!, ...execution.scripts.keys(), ...execution.coverage.keys()]));
      last.set(result.task, { loaded, execution, ms });
    };
    /**
     * Earlier tasks' files of one package, in one process. A file that fails
     * there runs again alone, and that run decides: a batch only saves time.
     */
    const runTogether = (batch: Task[]): Promise<TaskResult>[] => {
      if (batch.length === 1) return [runOne(batch[0]!)];
      let ms = 0;
      const results = slots(async () => {
        const begun = Date.now();
        const found = await runBatch(dir, batch, { loads: true });
        ms = Date.now() - begun;
        return found;
      });
      tally.batches++;
      return batch.map(async (_, index) => {
        const result = (await results)[index]!;
        if (result.status === 'fail') {
          tally.alone++;
          return runOne(result.task);
        }
        remember(result, ms / batch.length);
        return result;
      });
    };
    /** The tree's type errors (null: none) and how long the check took, in ms. */
    const typeErrors = async (): Promise<[string | null, number]> => {
      const begun = Date.now();
      const lines = await checker!.check();
      const took = Date.now() - begun;
      tally.typecheckMs.push(took);
      return [lines.length === 0 ? null : [...lines.slice(0, 10).map((text) => `      ${text}`), `      (${lines.length} lines from tsc; at most 10 shown)`].join('\n'), took];
    };

    const { tasks } = course;
    for (let step = -1; step < tasks.length; step++) {
      const stepStarted = Date.now();
      const solved = new Set(tasks.slice(0, step + 1).map((task) => task.id));
      const changed = await tree.render((id) => solved.has(id));
      const current = tasks[step];
      const next = tasks[step + 1];
      const types = typecheck ? typeErrors() : Promise.resolve([null, null] as const);
      const own = current === undefined || missing.has(current) ? undefined : runOne(current);
      const stub = next === undefined || missing.has(next) ? undefined : runOne(next);
      let unreached = 0;
      const earlierRuns: Promise<TaskResult>[] = [];
      if (current !== undefined) {
        const touched = changed.map((file) => /^packages\/([^/]+)\//.exec(file)?.[1] ?? '*');
        const affected = touched.includes('*') ? null : affectedPackages(graph, touched);
        const code = changed.every((file) => /\.(ts|mts|cts|js|mjs|cjs)$/.test(file));
        // The code a changed file runs as now, from this step's run of task k or k+1 (when one loaded it).
        const nowRuns = async (file: string): Promise<Script | undefined> => {
          const path = join(realDir, file);
          for (const run of [own, stub]) {
            const execution = (await run)?.execution;
            if (execution?.coverage.has(path)) return execution.scripts.get(path);
          }
          return undefined;
        };
        /** Whether an earlier task's tests must run again. */
        const decide = async (task: Task): Promise<boolean> => {
          // every earlier task ran, as the stub of its step or since
          const before = last.get(task)!;
          // A file that is not code falls back to the package graph.
          if (!code) return affected === null || affected.has(task.package);
          const files = changed.filter((file) => before.loaded.has(file));
          if (files.length === 0) return false;
          for (const file of files) {
            if (mayChange(before.execution, join(realDir, file), await nowRuns(file))) return true;
          }
          unreached++;
          return false;
        };
        const earlierTasks = tasks.slice(0, step).filter((task) => !missing.has(task));
        const verdicts = await Promise.all(earlierTasks.map(decide));
        // The longest first, so that the step does not end waiting on one long file while the other slots idle.
        const rerun = earlierTasks.filter((_, index) => verdicts[index]).sort((a, b) => last.get(b)!.ms - last.get(a)!.ms);
        if (options.batch === false) earlierRuns.push(...rerun.map(runOne));
        else for (const batch of batches(rerun, jobs, (task) => last.get(task)!.ms)) earlierRuns.push(...runTogether(batch));
      }
      const [ownResult, stubResult, earlier, [typeProblem, typesMs]] = await Promise.all([own, stub, Promise.all(earlierRuns), types]);
      tally.rerun += earlier.length;
      tally.unreached += unreached;
      const state = current === undefined ? 'with every task stubbed' : `with tasks ≤ ${taskNumber(current)} solved`;
      if (typeProblem !== null) problems.push(`${current === undefined ? 'the learner workspace' : `task ${taskNumber(current)}`}: the tree ${state} does not type-check:\n${typeProblem}`);

      if (current !== undefined) {
        const row = rows.find((candidate) => candidate.task === current)!;
        row.solution = ownResult === undefined ? 'no test file' : `${ownResult.status === 'pass' ? 'passes' : 'FAILS'} ${counts(ownResult)}`;
        if (ownResult?.status === 'fail') problems.push(`task ${taskNumber(current)}: its tests fail with its solution (${state}): ${ownResult.message}`);
        const broken = earlier.filter((result) => result.status === 'fail');
        for (const result of broken) {
          problems.push(`task ${taskNumber(current)}: solving it breaks task ${taskNumber(result.task)}'s tests (${state}): ${result.message}`);
        }
        const ran = broken.length > 0 ? `${broken.length} of ${earlier.length} re-run FAIL` : earlier.length === 0 ? 'unaffected' : `${earlier.length} re-run, pass`;
        row.earlier = unreached === 0 ? ran : `${ran}; ${unreached} unreached`;
        row.time = `${seconds(Date.now() - stepStarted)}${typesMs === null ? '' : ` (types ${seconds(typesMs)})`}`;
        say(line([taskNumber(current), current.title, row.stub, row.solution, row.earlier, row.time]));
        if (row.why !== '') say(`    stub: ${row.why.length > 110 ? `${row.why.slice(0, 109)}…` : row.why}\n`);
      }
      if (next !== undefined) {
        const row: Row = { task: next, stub: 'no test file', solution: '', earlier: '', time: '', why: '' };
        if (stubResult !== undefined) {
          row.stub = `${stubResult.status === 'fail' ? 'fails' : 'PASSES'} ${counts(stubResult)}`;
          row.why = stubResult.message ?? '';
          if (stubResult.status === 'pass') problems.push(`task ${taskNumber(next)}: its tests pass with its stub (${state}): the stub does not leave the task to do`);
        } else {
          problems.push(`task ${taskNumber(next)}: no test file (${testFile(next)})`);
        }
        rows.push(row);
      }
    }

    const cpu = cpuSince(cpuBefore, await cpuTimes());
    say(`\n${tasks.length} tasks checked in ${seconds(Date.now() - started)} (load average ${loadBefore} at the start, ${load()} at the end)\n`);
    say(`  test files: ${tally.runs} runs, ${tally.rerun} of them earlier tasks re-run; ${tally.unreached} more earlier tasks loaded a changed file but never ran the change\n`);
    if (tally.batches > 0) say(`  earlier tasks re-run together: ${plural(tally.batches, 'process', 'processes')} of several files each; ${plural(tally.alone, 'file')} failed in one and ran again alone\n`);
    /* c8 ignore next - children's CPU is unknown only where /proc is missing */
    const children = cpu.children === null ? 'unknown' : seconds(cpu.children * 1000);
    say(`  CPU: ${children} in test processes, ${seconds(cpu.self * 1000)} in this one${typecheck ? ' (its type checker included)' : ''}\n`);
    if (typecheck) {
      const [first, ...steps] = tally.typecheckMs;
      say(`  type checks, each while the step's tests ran: ${seconds(first!)} for the whole tree, then ${seconds(steps.reduce((sum, ms) => sum + ms, 0) / Math.max(1, steps.length))} a step on average\n`);
    }
    if (problems.length > 0) {
      io.stderr.write(`\nSTAGING BROKEN (${plural(problems.length, 'problem')}):\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n`);
      return 1;
    }
    say('staging OK: every stub fails its task, every solution passes it, no solution breaks an earlier task\n');
    return 0;
  } finally {
    await checker?.close();
    if (options.keep) io.stderr.write(`staged tree kept in ${dir}\n`);
    else await rm(dir, { recursive: true, force: true });
  }
}

function counts(result: TaskResult): string {
  return `${result.passed}/${result.total}`;
}

/**
 * Splits earlier tasks to re-run into batches: by package (a batch runs in one
 * package's folder), each package's tasks over at most `jobs` batches of two or
 * more, the longest first into the batch with the least time so far.
 */
export function batches(tasks: readonly Task[], jobs: number, ms: (task: Task) => number): Task[][] {
  const found: Task[][] = [];
  for (const pkg of new Set(tasks.map((task) => task.package))) {
    const mine = tasks.filter((task) => task.package === pkg).sort((a, b) => ms(b) - ms(a));
    const bins = Array.from({ length: Math.max(1, Math.min(jobs, Math.floor(mine.length / 2))) }, () => ({ tasks: [] as Task[], ms: 0 }));
    for (const task of mine) {
      const lightest = bins.reduce((best, bin) => (bin.ms < best.ms ? bin : best));
      lightest.tasks.push(task);
      lightest.ms += ms(task);
    }
    found.push(...bins.map((bin) => bin.tasks));
  }
  // the longest first, so that the step does not end waiting on one long batch while the other slots idle
  const total = (batch: Task[]): number => batch.reduce((sum, task) => sum + ms(task), 0);
  return found.sort((a, b) => total(b) - total(a));
}

/** Runs at most `jobs` of the functions given to it at once, in the order given. */
function limit(jobs: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    // a finished job hands its slot straight to the first one waiting
    if (running < jobs) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const first = waiting.shift();
      if (first === undefined) running--;
      else first();
    }
  };
}
