/**
 * `pnpm grade [--task N] [--package NAME] [--json [file]]`: runs the selected
 * tasks' test files and prints a scorecard; `--json` gives it to machines.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError, taskById, type Course } from './course.ts';
import { plural, table, type Io } from './io.ts';
import { taskNumber, type Task } from './manifest.ts';
import { runTasks, type TaskResult } from './runner.ts';

export const gradeUsage = `usage: pnpm grade [--task N]... [--package NAME]... [--json [file]]

  --task N        grade task N only (repeat, or N,M, for several)
  --package NAME  grade the tasks of one package (user-model, db, auth, app)
  --json [file]   print the result as JSON (or write it to file and print the table)
`;

export interface GradeArgs {
  tasks: number[];
  packages: string[];
  /** undefined: no JSON; null: JSON on standard output; a path: JSON written there. */
  json: string | null | undefined;
  help: boolean;
}

export function parseGradeArgs(argv: readonly string[]): GradeArgs {
  const args: GradeArgs = { tasks: [], packages: [], json: undefined, help: false };
  const list = argv[0] === '--' ? argv.slice(1) : [...argv];
  for (let index = 0; index < list.length; index++) {
    const arg = list[index]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const next = inline ?? list[++index];
      if (next === undefined || next === '') throw new UsageError(`${flag} needs a value`);
      return next;
    };
    if (flag === '--task' || flag === '-t') {
      for (const part of value().split(',')) {
        if (!/^\d+$/.test(part)) throw new UsageError(`--task takes task numbers, got "${part}"`);
        args.tasks.push(Number(part));
      }
    } else if (flag === '--package' || flag === '-p') {
      args.packages.push(value().replace(/^@hallpass\//, ''));
    } else if (flag === '--json') {
      const next = list[index + 1];
      if (inline !== undefined) args.json = inline === '' ? null : inline;
      else if (next !== undefined && !next.startsWith('-')) args.json = list[++index]!;
      else args.json = null;
    } else if (flag === '--help' || flag === '-h') {
      args.help = true;
    } else {
      throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  return args;
}

/** The tasks the arguments select, in manifest order. */
export function selectTasks(course: Course, args: Pick<GradeArgs, 'tasks' | 'packages'>): Task[] {
  const ids = new Set(args.tasks.map((id) => taskById(course, id).id));
  const known = new Set(course.tasks.map((task) => task.package));
  for (const pkg of args.packages) {
    if (!known.has(pkg as Task['package'])) throw new UsageError(`no task is in package "${pkg}" (packages: ${[...known].join(', ')})`);
  }
  const selected = course.tasks.filter((task) => (ids.size === 0 || ids.has(task.id)) && (args.packages.length === 0 || args.packages.includes(task.package)));
  if (selected.length === 0) throw new UsageError('no task matches both --task and --package');
  return selected;
}

export interface GradeReport {
  status: 'pass' | 'fail';
  tasks: { id: number; title: string; package: string; status: 'pass' | 'fail'; passed: number; failed: number; total: number; message: string | null }[];
}

export function gradeReport(results: readonly TaskResult[]): GradeReport {
  return {
    status: results.every((result) => result.status === 'pass') ? 'pass' : 'fail',
    tasks: results.map(({ task, status, passed, failed, total, message }) => ({
      id: task.id,
      title: task.title,
      package: task.package,
      status,
      passed,
      failed,
      total,
      message,
    })),
  };
}

export function scorecard(results: readonly TaskResult[]): string {
  const rows = [['id', 'task', 'package', 'result', 'tests']];
  for (const { task, status, passed, total } of results) rows.push([taskNumber(task), task.title, task.package, status === 'pass' ? 'pass' : 'FAIL', `${passed}/${total}`]);
  const passing = results.filter((result) => result.status === 'pass').length;
  return `${table(rows)}\n${passing} of ${plural(results.length, 'task')} pass\n`;
}

/** Progress on standard error: one line per finished task. */
export function progress(io: Io, total: number): (result: TaskResult) => void {
  let done = 0;
  return (result) => {
    done += 1;
    io.stderr.write(`[${String(done).padStart(String(total).length)}/${total}] ${result.status === 'pass' ? 'pass' : 'FAIL'}  ${taskNumber(result.task)} ${result.task.title}\n`);
  };
}

/** Runs `pnpm grade`; resolves to the exit status. */
export async function grade(argv: readonly string[], course: Course, io: Io): Promise<number> {
  const args = parseGradeArgs(argv);
  if (args.help) {
    io.stdout.write(gradeUsage);
    return 0;
  }
  const selected = selectTasks(course, args);
  io.stderr.write(`grading ${plural(selected.length, 'task')}…\n`);
  const results = await runTasks(course.root, selected, { onResult: progress(io, selected.length) });
  const report = gradeReport(results);
  if (args.json === null) {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    io.stdout.write(`\n${scorecard(results)}`);
    for (const result of results) {
      if (result.message !== null) io.stdout.write(`  ${taskNumber(result.task)}: ${result.message}\n`);
    }
    if (args.json !== undefined) {
      const path = resolve(io.cwd, args.json);
      await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
      io.stdout.write(`\nwrote ${path}\n`);
    }
  }
  return report.status === 'pass' ? 0 : 1;
}
