/**
 * `pnpm grade [--task N] [--package NAME] [--json [file]]`: runs the selected
 * tasks' test files and prints a scorecard; `--json` gives it to machines.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CourseError, UsageError, taskById, type Course } from './course.ts';
import { plural, table, type Io } from './io.ts';
import { taskNumber, type Task } from './manifest.ts';
import { runTasks, type TaskResult } from './runner.ts';
import { changesOutsideRegions, gradingTree, type Change } from './tamper.ts';
import { isWorkspace } from './workspace.ts';

export const gradeUsage = `usage: pnpm grade [--task N]... [--package NAME]... [--json [file]] [--junit file] [--workspace dir]

  --task N          grade task N only (repeat, or N,M, for several)
  --package NAME    grade the tasks of one package (user-model, db, auth, app)
  --json [file]     print the result as JSON (or write it to file and print the table)
  --junit file      also write the result as JUnit XML
  --workspace dir   from the course repository: grade a learner's workspace with the
                    course's own tests, and list what the learner changed outside the tasks
`;

export interface GradeArgs {
  tasks: number[];
  packages: string[];
  /** undefined: no JSON; null: JSON on standard output; a path: JSON written there. */
  json: string | null | undefined;
  junit: string | undefined;
  workspace: string | undefined;
  help: boolean;
}

export function parseGradeArgs(argv: readonly string[]): GradeArgs {
  const args: GradeArgs = { tasks: [], packages: [], json: undefined, junit: undefined, workspace: undefined, help: false };
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
    } else if (flag === '--junit') {
      args.junit = value();
    } else if (flag === '--workspace' || flag === '-w') {
      args.workspace = value();
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

export interface GradedTask {
  id: number;
  title: string;
  package: string;
  status: 'pass' | 'fail';
  passed: number;
  failed: number;
  total: number;
  message: string | null;
  /** The task's weight (the manifest's `points`) and what the learner earned: all of it or nothing. */
  points: number;
  earned: number;
}

export interface GradeReport {
  status: 'pass' | 'fail';
  /** Points earned over points possible, for the selected tasks. */
  points: { earned: number; possible: number };
  tasks: GradedTask[];
  /** With --workspace: the learner's files added, deleted or changed outside the task regions. */
  changes?: Change[];
}

export function gradeReport(results: readonly TaskResult[], changes?: Change[]): GradeReport {
  const tasks = results.map(({ task, status, passed, failed, total, message }) => ({
    id: task.id,
    title: task.title,
    package: task.package,
    status,
    passed,
    failed,
    total,
    message,
    points: task.points,
    earned: status === 'pass' ? task.points : 0,
  }));
  const report: GradeReport = {
    status: results.every((result) => result.status === 'pass') ? 'pass' : 'fail',
    points: { earned: tasks.reduce((sum, task) => sum + task.earned, 0), possible: tasks.reduce((sum, task) => sum + task.points, 0) },
    tasks,
  };
  if (changes !== undefined) report.changes = changes;
  return report;
}

function xml(text: string): string {
  // characters XML 1.0 cannot carry at all are dropped
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The report as JUnit XML: one test case per task, a failure with its first failing assertion. */
export function junitXml(report: GradeReport): string {
  const failures = report.tasks.filter((task) => task.status === 'fail').length;
  const cases = report.tasks.map((task) => {
    const name = `task ${String(task.id).padStart(2, '0')}: ${task.title}`;
    const open = `    <testcase classname="hallpass.${xml(task.package)}" name="${xml(name)}">`;
    const props = `      <properties><property name="points" value="${task.points}"/><property name="earned" value="${task.earned}"/></properties>`;
    if (task.status === 'pass') return `${open}\n${props}\n    </testcase>`;
    const message = task.message ?? 'failed';
    return `${open}\n${props}\n      <failure message="${xml(message)}" type="TaskFailed">${xml(`${task.passed} of ${task.total} tests pass\n${message}`)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="hallpass" tests="${report.tasks.length}" failures="${failures}">`,
    `  <testsuite name="hallpass course" tests="${report.tasks.length}" failures="${failures}" errors="0" skipped="0">`,
    `    <properties><property name="points" value="${report.points.earned}/${report.points.possible}"/></properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export function scorecard(results: readonly TaskResult[]): string {
  const rows = [['id', 'task', 'package', 'result', 'tests', 'points']];
  for (const { task, status, passed, total } of results) rows.push([taskNumber(task), task.title, task.package, status === 'pass' ? 'pass' : 'FAIL', `${passed}/${total}`, `${status === 'pass' ? task.points : 0}/${task.points}`]);
  const passing = results.filter((result) => result.status === 'pass').length;
  const { points } = gradeReport(results);
  return `${table(rows)}\n${passing} of ${plural(results.length, 'task')} pass; ${points.earned} of ${points.possible} points\n`;
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
  let root = course.root;
  let changes: Change[] | undefined;
  let tree: string | null = null;
  try {
    if (args.workspace !== undefined) {
      if (await isWorkspace(course.root)) throw new CourseError('--workspace grades from the course repository: run it there, not in a learner workspace');
      const workspace = resolve(io.cwd, args.workspace);
      tree = await mkdtemp(join(tmpdir(), 'hallpass-grade-'));
      await gradingTree(course, workspace, tree);
      changes = await changesOutsideRegions(course, workspace);
      root = tree;
      io.stderr.write(`grading ${workspace} with the course's own tests…\n`);
    }
    io.stderr.write(`grading ${plural(selected.length, 'task')}…\n`);
    const results = await runTasks(root, selected, { onResult: progress(io, selected.length) });
    const report = gradeReport(results, changes);
    if (args.json === null) {
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      io.stdout.write(`\n${scorecard(results)}`);
      for (const result of results) {
        if (result.message !== null) io.stdout.write(`  ${taskNumber(result.task)}: ${result.message}\n`);
      }
      if (changes !== undefined) {
        io.stdout.write(changes.length === 0 ? '\nno file changed outside the task regions\n' : `\n${plural(changes.length, 'file')} changed outside the task regions:\n${changes.map((change) => `  ${change.file} (${change.how})\n`).join('')}`);
      }
      if (args.json !== undefined) {
        const path = resolve(io.cwd, args.json);
        await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
        io.stdout.write(`\nwrote ${path}\n`);
      }
    }
    if (args.junit !== undefined) {
      const path = resolve(io.cwd, args.junit);
      await writeFile(path, junitXml(report));
      io[args.json === null ? 'stderr' : 'stdout'].write(`wrote ${path}\n`);
    }
    return report.status === 'pass' ? 0 : 1;
  } finally {
    if (tree !== null) await rm(tree, { recursive: true, force: true });
  }
}
