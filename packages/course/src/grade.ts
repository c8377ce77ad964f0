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
import { exercismResults, testCodeOf } from './exercism.ts';
import { exists } from './files.ts';
import { runTasks, withTypeErrors, type TaskResult } from './runner.ts';
import { typeErrorsByTask } from './task-types.ts';
import { gradedTests, skipMessage, taskStatus, type GradedTest, type TaskStatus } from './verdicts.ts';

export { gradedTests, skipMessage, taskStatus, type GradedTest };
import { changesOutsideRegions, gradingTree, type Change } from './tamper.ts';
import { isWorkspace } from './workspace.ts';

export const gradeUsage = `usage: pnpm grade [--task N]... [--package NAME]... [--json [file]] [--junit file]
                  [--format exercism [file]] [--allow-skips] [--no-typecheck] [--workspace dir]

  --task N          grade task N only (repeat, or N,M, for several)
  --package NAME    grade the tasks of one package (user-model, db, auth, app)
  --json [file]     print the result as JSON (or write it to file and print the table)
  --junit file      also write the result as JUnit XML
  --format exercism [file]
                    print Exercism's test-runner results.json, version 3 (or write it to
                    file and print the table)
  --allow-skips     a task whose tests passed but skipped some (a service such as Redis
                    was missing) earns its points all the same
  --no-typecheck    do not type-check the tasks' files (a type error fails its task otherwise)
  --workspace dir   from the course repository: grade a learner's workspace with the
                    course's own tests, and list what the learner changed outside the tasks
`;

/** The machine-readable formats of `--format`. */
export const FORMATS = ['exercism'] as const;

export interface GradeArgs {
  tasks: number[];
  packages: string[];
  /** undefined: no JSON; null: JSON on standard output; a path: JSON written there. */
  json: string | null | undefined;
  junit: string | undefined;
  /** `--format NAME [file]`: the file is null for standard output. */
  format: { name: (typeof FORMATS)[number]; file: string | null } | undefined;
  allowSkips: boolean;
  typecheck: boolean;
  workspace: string | undefined;
  help: boolean;
}

export function parseGradeArgs(argv: readonly string[]): GradeArgs {
  const args: GradeArgs = { tasks: [], packages: [], json: undefined, junit: undefined, format: undefined, allowSkips: false, typecheck: true, workspace: undefined, help: false };
  const list = argv[0] === '--' ? argv.slice(1) : [...argv];
  for (let index = 0; index < list.length; index++) {
    const arg = list[index]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const next = inline ?? list[++index];
      if (next === undefined || next === '') throw new UsageError(`${flag} needs a value`);
      return next;
    };
    /** An optional file after a flag: the next argument unless it is another flag. */
    const optionalFile = (): string | null => {
      const next = list[index + 1];
      return next !== undefined && !next.startsWith('-') ? list[++index]! : null;
    };
    if (flag === '--task' || flag === '-t') {
      for (const part of value().split(',')) {
        if (!/^\d+$/.test(part)) throw new UsageError(`--task takes task numbers, got "${part}"`);
        args.tasks.push(Number(part));
      }
    } else if (flag === '--package' || flag === '-p') {
      args.packages.push(value().replace(/^@hallpass\//, ''));
    } else if (flag === '--json') {
      if (inline !== undefined) args.json = inline === '' ? null : inline;
      else args.json = optionalFile();
    } else if (flag === '--junit') {
      args.junit = value();
    } else if (flag === '--format') {
      const name = value();
      if (!(FORMATS as readonly string[]).includes(name)) throw new UsageError(`--format takes ${FORMATS.join(', ')}, got "${name}"`);
      args.format = { name: name as (typeof FORMATS)[number], file: optionalFile() };
    } else if (flag === '--allow-skips') {
      args.allowSkips = true;
    } else if (flag === '--no-typecheck') {
      args.typecheck = false;
    } else if (flag === '--workspace' || flag === '-w') {
      args.workspace = value();
    } else if (flag === '--help' || flag === '-h') {
      args.help = true;
    } else {
      throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  if (args.json === null && args.format?.file === null) throw new UsageError('--json and --format both want standard output: give one of them a file');
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
  /** 'skip': no test failed, but some did not run (a service they need was missing). */
  status: TaskStatus;
  passed: number;
  failed: number;
  skipped: number;
  total: number;
  message: string | null;
  /** The task's weight (the manifest's `points`) and what the learner earned: all of it or nothing. */
  points: number;
  earned: number;
  /** The type check first (one failing entry per compiler error), then every top-level test of the task's file. */
  tests: GradedTest[];
}

export interface GradeReport {
  status: 'pass' | 'fail';
  /** Points earned over points possible, for the selected tasks. */
  points: { earned: number; possible: number };
  /** Whether a task with skipped tests earned its points (`--allow-skips`). */
  allowSkips: boolean;
  tasks: GradedTask[];
  /** With --workspace: the learner's files added, deleted or changed outside the task regions. */
  changes?: Change[];
}

export interface ReportOptions {
  changes?: Change[];
  allowSkips?: boolean;
}

/** Whether the task earns its points: it passed, or only skipped tests and skips are allowed. */
function earns(result: TaskResult, allowSkips: boolean): boolean {
  const status = taskStatus(result);
  return status === 'pass' || (status === 'skip' && allowSkips);
}

export function gradeReport(results: readonly TaskResult[], options: ReportOptions = {}): GradeReport {
  const allowSkips = options.allowSkips ?? false;
  const tasks = results.map((result): GradedTask => {
    const { task, passed, failed, total } = result;
    const status = taskStatus(result);
    return {
      id: task.id,
      title: task.title,
      package: task.package,
      status,
      passed,
      failed,
      skipped: result.skipped.length,
      total,
      message: status === 'skip' ? skipMessage(result) : result.message,
      points: task.points,
      earned: earns(result, allowSkips) ? task.points : 0,
      tests: gradedTests(result),
    };
  });
  const report: GradeReport = {
    status: results.every((result) => earns(result, allowSkips)) ? 'pass' : 'fail',
    points: { earned: tasks.reduce((sum, task) => sum + task.earned, 0), possible: tasks.reduce((sum, task) => sum + task.points, 0) },
    allowSkips,
    tasks,
  };
  if (options.changes !== undefined) report.changes = options.changes;
  return report;
}

function xml(text: string): string {
  // characters XML 1.0 cannot carry at all are dropped
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The report as JUnit XML: one test case per task, a failure with its failing tests, or `<skipped/>` with what it needs. */
export function junitXml(report: GradeReport): string {
  const failures = report.tasks.filter((task) => task.status === 'fail').length;
  const skipped = report.tasks.filter((task) => task.status === 'skip').length;
  const cases = report.tasks.map((task) => {
    const name = `task ${String(task.id).padStart(2, '0')}: ${task.title}`;
    const open = `    <testcase classname="hallpass.${xml(task.package)}" name="${xml(name)}">`;
    const props = `      <properties><property name="points" value="${task.points}"/><property name="earned" value="${task.earned}"/></properties>`;
    if (task.status === 'pass') return `${open}\n${props}\n    </testcase>`;
    const message = task.message ?? 'failed';
    if (task.status === 'skip') return `${open}\n${props}\n      <skipped message="${xml(message)}"/>\n    </testcase>`;
    const failing = task.tests.filter((test) => test.status === 'fail' || test.status === 'error').map((test) => `${test.name}: ${test.message ?? test.status}`);
    // a failed task always has a failing entry (a file that ran nothing has 'the test file'); the message is a fallback
    /* c8 ignore next */
    const body = [`${task.passed} of ${task.total} tests pass`, ...(failing.length > 0 ? failing : [message])].join('\n');
    return `${open}\n${props}\n      <failure message="${xml(message)}" type="TaskFailed">${xml(body)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="hallpass" tests="${report.tasks.length}" failures="${failures}" skipped="${skipped}">`,
    `  <testsuite name="hallpass course" tests="${report.tasks.length}" failures="${failures}" errors="0" skipped="${skipped}">`,
    `    <properties><property name="points" value="${report.points.earned}/${report.points.possible}"/></properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

const LABEL = { pass: 'pass', fail: 'FAIL', skip: 'SKIPPED' } as const;

export function scorecard(results: readonly TaskResult[], options: ReportOptions = {}): string {
  const report = gradeReport(results, options);
  const rows = [['id', 'task', 'package', 'result', 'tests', 'points']];
  for (const task of report.tasks) {
    rows.push([String(task.id).padStart(2, '0'), task.title, task.package, LABEL[task.status], `${task.passed}/${task.total}${task.skipped > 0 ? ` (${task.skipped} skipped)` : ''}`, `${task.earned}/${task.points}`]);
  }
  const passing = report.tasks.filter((task) => task.status === 'pass').length;
  const skipping = report.tasks.filter((task) => task.status === 'skip').length;
  const skips = skipping === 0 ? '' : `; ${plural(skipping, 'task')} skipped tests (${report.allowSkips ? 'counted: --allow-skips' : 'no points unless --allow-skips'})`;
  return `${table(rows)}\n${passing} of ${plural(results.length, 'task')} pass${skips}; ${report.points.earned} of ${report.points.possible} points\n`;
}

/** Progress on standard error: one line per finished task. */
export function progress(io: Io, total: number): (result: TaskResult) => void {
  let done = 0;
  return (result) => {
    done += 1;
    io.stderr.write(`[${String(done).padStart(String(total).length)}/${total}] ${LABEL[taskStatus(result)]}  ${taskNumber(result.task)} ${result.task.title}\n`);
  };
}

/** Whether the tree in `root` can be type-checked: it has a tsconfig.json and TypeScript installed. */
async function canTypeCheck(root: string): Promise<boolean> {
  return (await exists(join(root, 'tsconfig.json'))) && (await exists(join(root, 'node_modules/typescript/package.json')));
}

/** Runs the tasks' tests and, meanwhile, type-checks their files; a task with compiler errors fails. */
async function gradeTasks(course: Course, root: string, selected: readonly Task[], io: Io, typecheck: boolean): Promise<TaskResult[]> {
  const checking = typecheck && (await canTypeCheck(root)) ? typeErrorsByTask(course, root, selected) : null;
  if (typecheck && checking === null) io.stderr.write('note: no tsconfig.json or TypeScript here: types are not checked\n');
  const [results, errors] = await Promise.all([runTasks(root, selected, { onResult: progress(io, selected.length) }), checking]);
  return errors === null ? results : results.map((result) => withTypeErrors(result, errors.get(result.task.id)!));
}

/** Writes `text` to `file` (relative to where the user ran the command) and says so on `stream`. */
async function writeReport(io: Io, file: string, text: string, stream: 'stdout' | 'stderr'): Promise<void> {
  const path = resolve(io.cwd, file);
  await writeFile(path, text);
  io[stream].write(`wrote ${path}\n`);
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
    const results = await gradeTasks(course, root, selected, io, args.typecheck);
    const options: ReportOptions = { allowSkips: args.allowSkips, ...(changes === undefined ? {} : { changes }) };
    const report = gradeReport(results, options);
    const toStdout = args.json === null || args.format?.file === null;
    const exercism = args.format === undefined ? null : `${JSON.stringify(exercismResults(results, { allowSkips: args.allowSkips, testCode: await testCodeOf(course, root, selected) }), null, 2)}\n`;
    if (args.json === null) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else if (exercism !== null && args.format!.file === null) io.stdout.write(exercism);
    else {
      io.stdout.write(`\n${scorecard(results, options)}`);
      for (const task of report.tasks) {
        if (task.message !== null) io.stdout.write(`  ${String(task.id).padStart(2, '0')}: ${task.message}\n`);
      }
      if (changes !== undefined) {
        io.stdout.write(changes.length === 0 ? '\nno file changed outside the task regions\n' : `\n${plural(changes.length, 'file')} changed outside the task regions:\n${changes.map((change) => `  ${change.file} (${change.how})\n`).join('')}`);
      }
      io.stdout.write('\n');
    }
    const stream = toStdout ? 'stderr' : 'stdout';
    if (typeof args.json === 'string') await writeReport(io, args.json, `${JSON.stringify(report, null, 2)}\n`, stream);
    if (exercism !== null && args.format!.file !== null) await writeReport(io, args.format!.file, exercism, stream);
    if (args.junit !== undefined) await writeReport(io, args.junit, junitXml(report), stream);
    return report.status === 'pass' ? 0 : 1;
  } finally {
    if (tree !== null) await rm(tree, { recursive: true, force: true });
  }
}
