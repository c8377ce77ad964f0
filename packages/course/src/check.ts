/**
 * `pnpm course check`: the staging proof. For every task k, in manifest order,
 * with the tasks before k solved and k stubbed, k's tests fail and the earlier
 * tasks' tests pass; with k solved, k's tests pass.
 *
 * One copy of the tree is rewritten step by step: step j has the tasks up to j
 * solved, so one run checks "j passes, j+1 fails, earlier still pass". Earlier
 * tasks are re-run only when step j changed a file their tests loaded when they
 * last ran (recorded by a module hook): a test's result can only change when
 * one of the files it loads changes.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CourseError, affectedPackages, packageGraph, type Course } from './course.ts';
import { docsProblems } from './docs.ts';
import { exists } from './files.ts';
import { plural, seconds, type Io } from './io.ts';
import { taskNumber, testFile, type Task } from './manifest.ts';
import { runTasks, type TaskResult } from './runner.ts';
import { StagedTree } from './stage.ts';
import { isWorkspace } from './workspace.ts';

export interface CheckOptions {
  /** Type-check the tree at every step (when TypeScript is installed). Default true. */
  typecheck?: boolean;
  /** Keep the staged tree for inspection instead of removing it. */
  keep?: boolean;
  /** Test files run at once. */
  jobs?: number;
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

export async function check(course: Course, io: Io, options: CheckOptions = {}): Promise<number> {
  if (await isWorkspace(course.root)) {
    throw new CourseError('this is a learner workspace: its solutions are gone, so there is no staging to check (run it in the course repository)');
  }
  const started = Date.now();
  const problems: string[] = [];
  const say = (text: string): void => void io.stdout.write(text);

  problems.push(...(await docsProblems(course)));
  const dir = await mkdtemp(join(tmpdir(), 'hallpass-check-'));
  try {
    const tree = await StagedTree.create(course, dir);
    await tree.linkNodeModules(course);
    const graph = await packageGraph(dir);
    const realDir = await realpath(dir);
    /** The files each task's tests loaded the last time they ran, relative to the tree. */
    const loaded = new Map<Task, Set<string>>();
    const withRegion = tree.taskIds;
    const missing = new Set<Task>();
    for (const task of course.tasks) {
      if (!(await exists(join(dir, testFile(task))))) missing.add(task);
      if (!withRegion.has(task.id)) problems.push(`task ${taskNumber(task)}: no \`// #region ${`task-${taskNumber(task)}`}\` in the sources, so its stub cannot differ from its solution`);
    }
    const typecheck = options.typecheck !== false && (await exists(join(dir, 'node_modules/typescript/bin/tsc'))) && (await exists(join(dir, 'tsconfig.json')));
    say(`staging check of ${course.tasks.length} tasks in ${dir}${typecheck ? '' : ' (types not checked)'}\n\n`);
    const rows: Row[] = [];
    const widths = [2, Math.max(...course.tasks.map((task) => task.title.length)), 12, 14, 22, 0];
    const line = (cells: string[]): string => `${cells.map((cell, index) => cell.padEnd(widths[index]!)).join('  ').trimEnd()}\n`;
    say(line(['id', 'task', 'stub', 'solution', 'earlier tasks', 'time']));

    const { tasks } = course;
    for (let step = -1; step < tasks.length; step++) {
      const stepStarted = Date.now();
      const solved = new Set(tasks.slice(0, step + 1).map((task) => task.id));
      const changed = await tree.render((id) => solved.has(id));
      const current = tasks[step];
      const next = tasks[step + 1];
      let run: Task[];
      if (current === undefined) {
        run = [next!]; // the learner's workspace: the first task to do must fail
      } else {
        const touched = changed.map((file) => /^packages\/([^/]+)\//.exec(file)?.[1] ?? '*');
        const affected = touched.includes('*') ? null : affectedPackages(graph, touched);
        // An earlier task is re-run when a file its tests loaded last time changed (a file
        // that is not code, or a task never run, falls back to the package graph).
        const code = changed.every((file) => /\.(ts|mts|cts|js|mjs|cjs)$/.test(file));
        const mayChange = (task: Task): boolean => {
          const files = loaded.get(task);
          if (!code || files === undefined) return affected === null || affected.has(task.package);
          return changed.some((file) => files.has(file));
        };
        run = tasks.slice(0, step).filter(mayChange);
        run.push(current);
        if (next !== undefined) run.push(next);
      }
      run = run.filter((task) => !missing.has(task));
      const [results, types] = await Promise.all([runTasks(dir, run, { jobs: options.jobs, loads: true }), typecheck ? typeErrors(dir) : Promise.resolve(null)]);
      for (const result of results) {
        if (result.loaded !== undefined) loaded.set(result.task, new Set(result.loaded.map((file) => relative(realDir, file)).filter((file) => !file.startsWith('..'))));
      }
      const byTask = new Map(results.map((result) => [result.task, result]));
      const state = current === undefined ? 'with every task stubbed' : `with tasks ≤ ${taskNumber(current)} solved`;
      if (types !== null) problems.push(`${current === undefined ? 'the learner workspace' : `task ${taskNumber(current)}`}: the tree ${state} does not type-check:\n${types}`);

      if (current !== undefined) {
        const row = rows.find((candidate) => candidate.task === current)!;
        const own = byTask.get(current);
        row.solution = own === undefined ? 'no test file' : `${own.status === 'pass' ? 'passes' : 'FAILS'} ${counts(own)}`;
        if (own?.status === 'fail') problems.push(`task ${taskNumber(current)}: its tests fail with its solution (${state}): ${own.message}`);
        const earlier = results.filter((result) => result.task !== current && result.task !== next);
        const broken = earlier.filter((result) => result.status === 'fail');
        for (const result of broken) {
          problems.push(`task ${taskNumber(current)}: solving it breaks task ${taskNumber(result.task)}'s tests (${state}): ${result.message}`);
        }
        row.earlier = broken.length > 0 ? `${broken.length} of ${earlier.length} re-run FAIL` : earlier.length === 0 ? 'unaffected' : `${earlier.length} re-run, pass`;
        row.time = seconds(Date.now() - stepStarted);
        say(line([taskNumber(current), current.title, row.stub, row.solution, row.earlier, row.time]));
        if (row.why !== '') say(`    stub: ${row.why.length > 110 ? `${row.why.slice(0, 109)}…` : row.why}\n`);
      }
      if (next !== undefined) {
        const result = byTask.get(next);
        const row: Row = { task: next, stub: 'no test file', solution: '', earlier: '', time: '', why: '' };
        if (result !== undefined) {
          row.stub = `${result.status === 'fail' ? 'fails' : 'PASSES'} ${counts(result)}`;
          row.why = result.message ?? '';
          if (result.status === 'pass') problems.push(`task ${taskNumber(next)}: its tests pass with its stub (${state}): the stub does not leave the task to do`);
        } else {
          problems.push(`task ${taskNumber(next)}: no test file (${testFile(next)})`);
        }
        rows.push(row);
      }
    }

    say(`\n${tasks.length} tasks checked in ${seconds(Date.now() - started)}\n`);
    if (problems.length > 0) {
      io.stderr.write(`\nSTAGING BROKEN (${plural(problems.length, 'problem')}):\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n`);
      return 1;
    }
    say('staging OK: every stub fails its task, every solution passes it, no solution breaks an earlier task\n');
    return 0;
  } finally {
    if (options.keep) io.stderr.write(`staged tree kept in ${dir}\n`);
    else await rm(dir, { recursive: true, force: true });
  }
}

function counts(result: TaskResult): string {
  return `${result.passed}/${result.total}`;
}

/** tsc's complaints about the tree, or null when it type-checks. */
function typeErrors(dir: string): Promise<string | null> {
  const args = [join(dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--pretty', 'false', '--incremental', '--tsBuildInfoFile', join(dir, '.check.tsbuildinfo')];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: dir, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error === null) return resolve(null);
      const lines = stdout.split('\n').filter((line) => line.trim() !== '');
      resolve([...lines.slice(0, 10).map((line) => `      ${line}`), `      (${lines.length} lines from tsc; at most 10 shown)`].join('\n'));
    });
  });
}
