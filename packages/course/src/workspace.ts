/** `pnpm course new <dir>`: a learner's copy of the course with every task still to do. */
import { execFile } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CLASSROOM_WORKFLOW, classroomWorkflow } from './classroom.ts';
import { CourseError, type Course } from './course.ts';
import { exists } from './files.ts';
import type { Io } from './io.ts';
import { REFERENCE, encodeReference, referenceRegions } from './reference.ts';
import { StagedTree } from './stage.ts';
import { WORKSPACE_README, learnerReadme } from './workspace-readme.ts';

const run = promisify(execFile);

/** The folder of a learner workspace's own state: its marker and the cached test results. */
export const STATE_DIR = '.course';
const MARKER = `${STATE_DIR}/workspace.json`;

/** Whether `root` is a learner workspace (made by `course new`) rather than the course repository. */
export function isWorkspace(root: string): Promise<boolean> {
  return exists(join(root, MARKER));
}

export interface NewOptions {
  /** Make the workspace a git repository with one commit (default true). */
  git?: boolean;
  /** Add a GitHub Classroom autograding workflow (default false). */
  classroom?: boolean;
}

export async function createWorkspace(course: Course, target: string, io: Io, options: NewOptions = {}): Promise<string> {
  const dir = resolve(io.cwd, target);
  if (await isWorkspace(course.root)) throw new CourseError('this is already a learner workspace: make new ones from the course repository');
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw new CourseError(`cannot use ${dir}: ${error.message}`);
  });
  if (entries.length > 0) throw new CourseError(`${dir} is not empty: give a new or empty folder`);
  await mkdir(dir, { recursive: true });
  const tree = await StagedTree.create(course, dir, { learner: true });
  await tree.render(() => false, { keepMarkers: true });
  await writeFile(join(dir, WORKSPACE_README), learnerReadme(course)); // the course's own README speaks of the finished service
  await mkdir(join(dir, STATE_DIR), { recursive: true });
  await writeFile(join(dir, MARKER), `${JSON.stringify({ course: 'hallpass', tasks: course.tasks.length, created: new Date().toISOString() }, null, 2)}\n`);
  await writeFile(join(dir, STATE_DIR, '.gitignore'), 'results.json\nstate.json\n');
  await writeFile(join(dir, REFERENCE), encodeReference(referenceRegions(tree.sources)));
  if (options.classroom === true) {
    await mkdir(dirname(join(dir, CLASSROOM_WORKFLOW)), { recursive: true });
    await writeFile(join(dir, CLASSROOM_WORKFLOW), classroomWorkflow(course));
  }
  if (options.git !== false) await gitInit(dir, io);
  const fromHere = relative(io.cwd, dir);
  const shown = fromHere.startsWith('..') ? dir : fromHere || '.';
  io.stdout.write(
    [
      `Learner workspace written to ${dir}: ${course.tasks.length} tasks to do.`,
      '',
      'Next:',
      `  cd ${shown}`,
      '  pnpm install',
      '  pnpm course verify     # points at the first task to do',
      '',
      'README.md says where things are; docs/taking-the-course.md is the guide.',
      ...(options.classroom === true ? ['', `GitHub Classroom: ${CLASSROOM_WORKFLOW} grades each task on every push (see docs/grading.md).`] : []),
      '',
    ].join('\n'),
  );
  return dir;
}

async function gitInit(dir: string, io: Io): Promise<void> {
  try {
    await run('git', ['init', '-q'], { cwd: dir });
    await run('git', ['add', '-A'], { cwd: dir });
    await run('git', ['-c', 'user.name=hallpass', '-c', 'user.email=course@hallpass.invalid', 'commit', '-q', '--no-verify', '-m', 'Start the hallpass course'], { cwd: dir });
    /* c8 ignore start - only when git is missing or refuses; the workspace is complete either way */
  } catch (error) {
    io.stderr.write(`note: the workspace is not a git repository (${(error as Error).message.split('\n')[0]})\n`);
  }
  /* c8 ignore stop */
}
