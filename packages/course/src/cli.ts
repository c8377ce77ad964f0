/** The command lines: `pnpm grade …` and `pnpm course …`. */
import { CourseError, UsageError, taskById, type Course } from './course.ts';
import type { Task } from './manifest.ts';
import { check, type CheckOptions } from './check.ts';
import { writeTaskIndex, docsProblems, INDEX_PAGE } from './docs.ts';
import { gradeUsage } from './grade.ts';
import type { Io } from './io.ts';
import { hint, list, passes, verify, watch } from './learner.ts';
import { MarkerError } from './markers.ts';
import { reset, solution } from './reference.ts';
import { createWorkspace } from './workspace.ts';
import { checkWrongAnswers } from './wrong-answers.ts';

export const courseUsage = `usage: pnpm course <command>

In a learner workspace:
  list             every task: done, next or to do
  verify           run the tasks in order; stop at the first that fails and say what to do
  hint [N] [--all] the next hint of task N you have not seen (default: the current task)
  solution N [--force]
                   the reference solution of task N as a diff against your code, once N passes
  reset N          put task N's stub back in every region of it; the rest of your code stays
  watch            re-run the current task's tests whenever a file under packages/ changes

In the course repository:
  new <dir> [--classroom]
                   write a learner workspace: every task's solution replaced by its stub
                   (--classroom: with a GitHub Classroom autograding workflow)
  check            prove the staging: each stub fails its task, each solution passes it
                   (--no-typecheck, --keep to keep the staged tree, --jobs N,
                   --no-batch to re-run each earlier task in a process of its own)
  docs [--check]   regenerate ${INDEX_PAGE} from the manifest (or check it and the task pages are current)
  wrong-answers [N]
                   check that each task's tests (or task N's) fail on its recorded wrong
                   answers (packages/course/wrong-answers/), each of which must type-check
                   (--jobs N, --no-typecheck)

Grading: ${gradeUsage.split('\n')[0]!.replace('usage: ', '')}
`;

export interface CliContext {
  course: Course;
  io: Io;
  /** Stops long-running commands (watch); the bin wires it to Ctrl-C. */
  signal?: AbortSignal;
}

/** Runs one command and turns its errors into messages and exit statuses. */
export async function runCommand(command: (argv: string[], context: CliContext) => Promise<number>, argv: string[], context: CliContext, usage: string): Promise<number> {
  try {
    return await command(argv, context);
  } catch (error) {
    if (error instanceof UsageError) {
      context.io.stderr.write(`error: ${error.message}\n\n${usage}`);
      return 2;
    }
    if (error instanceof CourseError || error instanceof MarkerError) {
      context.io.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function flags(argv: string[], known: Record<string, 'flag' | 'value'>): { positional: string[]; options: Map<string, string | true> } {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--') continue;
    if (!arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const kind = known[name];
    if (kind === undefined) throw new UsageError(`unknown option "${arg}"`);
    if (kind === 'flag') {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
      options.set(name, true);
    } else {
      const value = inline ?? argv[++index];
      if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
      options.set(name, value);
    }
  }
  return { positional, options };
}

function taskArg(course: Course, id: string, command: string): Task {
  if (!/^\d+$/.test(id)) throw new UsageError(`course ${command} takes a task number, got "${id}"`);
  return taskById(course, Number(id));
}

function noMore(positional: string[], command: string, allowed = 0): void {
  if (positional.length > allowed) throw new UsageError(`unexpected argument "${positional[allowed]}" for ${command}`);
}

export async function course(argv: string[], context: CliContext): Promise<number> {
  const { course, io } = context;
  const [command, ...rest] = argv[0] === '--' ? argv.slice(1) : argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout.write(courseUsage);
      return command === undefined ? 2 : 0;
    case 'new': {
      const { positional, options } = flags(rest, { '--no-git': 'flag', '--classroom': 'flag' });
      if (positional.length !== 1) throw new UsageError('course new takes one folder: pnpm course new <dir>');
      await createWorkspace(course, positional[0]!, io, { git: !options.has('--no-git'), classroom: options.has('--classroom') });
      return 0;
    }
    case 'check': {
      const { positional, options } = flags(rest, { '--no-typecheck': 'flag', '--keep': 'flag', '--no-batch': 'flag', '--jobs': 'value' });
      const jobs = options.get('--jobs');
      if (jobs !== undefined && !/^[1-9]\d*$/.test(jobs as string)) throw new UsageError('--jobs takes a positive number');
      const checkOptions: CheckOptions = { typecheck: !options.has('--no-typecheck'), keep: options.has('--keep'), batch: !options.has('--no-batch') };
      if (jobs !== undefined) checkOptions.jobs = Number(jobs);
      noMore(positional, 'course check');
      return check(course, io, checkOptions);
    }
    case 'docs': {
      const { positional, options } = flags(rest, { '--check': 'flag' });
      noMore(positional, 'course docs');
      if (options.has('--check')) {
        const problems = await docsProblems(course);
        for (const problem of problems) io.stderr.write(`${problem}\n`);
        if (problems.length === 0) io.stdout.write('docs are current\n');
        return problems.length === 0 ? 0 : 1;
      }
      io.stdout.write((await writeTaskIndex(course)) ? `wrote ${INDEX_PAGE}\n` : `${INDEX_PAGE} is up to date\n`);
      return 0;
    }
    case 'list': {
      const { positional } = flags(rest, {});
      noMore(positional, 'course list');
      return list(course, io);
    }
    case 'verify': {
      const { positional } = flags(rest, {});
      noMore(positional, 'course verify');
      return verify(course, io);
    }
    case 'hint': {
      const { positional, options } = flags(rest, { '--all': 'flag' });
      noMore(positional, 'course hint', 1);
      const id = positional[0];
      return hint(course, io, id === undefined ? undefined : taskArg(course, id, 'hint'), { all: options.has('--all') });
    }
    case 'solution': {
      const { positional, options } = flags(rest, { '--force': 'flag' });
      noMore(positional, 'course solution', 1);
      if (positional[0] === undefined) throw new UsageError('course solution takes a task number: pnpm course solution N');
      const task = taskArg(course, positional[0], 'solution');
      return solution(course, io, task, { passed: await passes(course, task), force: options.has('--force') });
    }
    case 'reset': {
      const { positional } = flags(rest, {});
      noMore(positional, 'course reset', 1);
      if (positional[0] === undefined) throw new UsageError('course reset takes a task number: pnpm course reset N');
      return reset(course, io, taskArg(course, positional[0], 'reset'));
    }
    case 'watch': {
      const { positional } = flags(rest, {});
      noMore(positional, 'course watch');
      return watch(course, io, context.signal);
    }
    case 'wrong-answers': {
      const { positional, options } = flags(rest, { '--jobs': 'value', '--no-typecheck': 'flag' });
      noMore(positional, 'course wrong-answers', 1);
      const [id] = positional;
      const jobs = options.get('--jobs') as string | undefined;
      if (id !== undefined && !/^\d+$/.test(id)) throw new UsageError(`course wrong-answers takes a task number, got "${id}"`);
      if (jobs !== undefined && !/^[1-9]\d*$/.test(jobs)) throw new UsageError('--jobs takes a positive number');
      return checkWrongAnswers(course, io, id === undefined ? undefined : taskById(course, Number(id)), { ...(jobs === undefined ? {} : { jobs: Number(jobs) }), typecheck: !options.has('--no-typecheck') });
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}
