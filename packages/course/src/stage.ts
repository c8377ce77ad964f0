/**
 * A copy of a course whose task regions are rendered for a given set of solved
 * tasks. `course new` writes one with every task stubbed; `course check`
 * rewrites one tree step by step, reusing the course's installed node_modules.
 */
import { copyFile, lstat, mkdir, readFile, readdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Course } from './course.ts';
import { courseFiles, markedSources } from './files.ts';
import { testFile } from './manifest.ts';
import { regionTasks, render, type MarkedSource, type RenderOptions } from './markers.ts';

/** The course's authoring notes: never copied into a learner's workspace. */
export const AUTHORING_ONLY = ['packages/course/wrong-answers/'];

/** A test file of a package: what tap runs in that package. */
const TEST_FILE = /^packages\/[^/]+\/test\/(.+\/)?[^/]+\.test\.[cm]?[jt]sx?$/;

/**
 * Whether a course file goes into a learner's workspace. The authoring notes do
 * not, nor any test file that is no task's test: the authors' own tests
 * (security, bad input, the course tools) demand things no page states, and
 * would turn a learner's `pnpm test` red on a solution every task accepts.
 */
export function isLearnerFile(course: Pick<Course, 'tasks'>, file: string): boolean {
  if (AUTHORING_ONLY.some((prefix) => file.startsWith(prefix))) return false;
  return !TEST_FILE.test(file) || course.tasks.some((task) => testFile(task) === file);
}

const PACKAGE_MANIFEST = /^packages\/[^/]+\/package\.json$/;

/**
 * A file's text as a learner's workspace starts with it. A package's tap
 * settings allow incomplete coverage there: the task tests alone do not cover
 * every line (the authors' tests that did are left out), nor need they cover a
 * learner's own code. The course tools' package has no tests in a workspace,
 * so it has no `test` script either (tap fails when it finds no test file).
 */
export function learnerText(file: string, text: string): string {
  if (!PACKAGE_MANIFEST.test(file)) return text;
  const manifest = JSON.parse(text) as { scripts?: Record<string, string>; tap?: Record<string, unknown> };
  if (manifest.scripts?.test === undefined) return text;
  if (file === 'packages/course/package.json') delete manifest.scripts.test;
  else manifest.tap = { ...manifest.tap, 'allow-incomplete-coverage': true };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export class StagedTree {
  readonly #written = new Map<string, string>();

  private constructor(
    readonly dir: string,
    readonly sources: readonly MarkedSource[],
  ) {}

  /**
   * Copies the course's files into `dir` (which must be empty or missing) and
   * parses their regions. Nothing is rendered until `render` is called: the
   * marked files hold the course's own text (every task solved) until then.
   */
  static async create(course: Course, dir: string, options: { learner?: boolean } = {}): Promise<StagedTree> {
    const all = await courseFiles(course.root);
    const files = options.learner ? all.filter((file) => isLearnerFile(course, file)) : all;
    const sources = await markedSources(course, files);
    for (const file of files) {
      await mkdir(dirname(join(dir, file)), { recursive: true });
      if (options.learner && PACKAGE_MANIFEST.test(file)) await writeFile(join(dir, file), learnerText(file, await readFile(join(course.root, file), 'utf8')));
      else await copyFile(join(course.root, file), join(dir, file));
    }
    return new StagedTree(dir, sources);
  }

  /** Task ids with a region somewhere in the course. */
  get taskIds(): Set<number> {
    return new Set(this.sources.flatMap((source) => [...regionTasks(source)]));
  }

  /** Rewrites every marked file for `solved`; gives the files whose text changed. */
  async render(solved: (task: number) => boolean, options: RenderOptions = {}): Promise<string[]> {
    const changed: string[] = [];
    for (const source of this.sources) {
      const text = render(source, solved, options);
      const before = this.#written.get(source.file) ?? source.lines.join('\n');
      this.#written.set(source.file, text);
      if (text === before) continue;
      await writeFile(join(this.dir, source.file), text);
      changed.push(source.file);
    }
    return changed;
  }

  /**
   * Gives the tree the course's installed packages without copying them:
   * each node_modules entry is a link to the installed one, except links to the
   * course's own workspace packages, which point at the copies in this tree.
   */
  async linkNodeModules(course: Course): Promise<void> {
    await linkNodeModules(course, this.dir);
  }
}

/**
 * Gives the tree in `dir` the course's installed packages without copying them:
 * each node_modules entry is a link to the installed one, except links to the
 * course's own workspace packages, which point at the copies in `dir`.
 */
export async function linkNodeModules(course: Course, stage: string): Promise<void> {
  const dirs = [''];
  for (const entry of await readdir(join(course.root, 'packages'), { withFileTypes: true }).catch(() => [])) {
    if (entry.isDirectory()) dirs.push(`packages/${entry.name}`);
  }
  const root = await realpath(course.root);
  for (const dir of dirs) {
    const from = join(course.root, dir, 'node_modules');
    if (await lstat(from).then(() => true, () => false)) await mirror(from, join(stage, dir, 'node_modules'), root, stage);
  }
}

async function mirror(from: string, to: string, root: string, stage: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.name.startsWith('@') && entry.isDirectory()) {
      await mirror(source, target, root, stage);
      continue;
    }
    const real = await realpath(source).catch(() => null);
    if (real === null) continue; // a dangling link in the install: nothing to share
    const inside = relative(root, real);
    const isWorkspacePackage = entry.isSymbolicLink() && !inside.startsWith('..') && !inside.split(sep).includes('node_modules');
    await symlink(isWorkspacePackage ? join(stage, inside) : real, target);
  }
}
