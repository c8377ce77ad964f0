/**
 * A copy of a course whose task regions are rendered for a given set of solved
 * tasks. `course new` writes one with every task stubbed; `course check`
 * rewrites one tree step by step, reusing the course's installed node_modules.
 */
import { copyFile, lstat, mkdir, readdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Course } from './course.ts';
import { courseFiles, markedSources } from './files.ts';
import { regionTasks, render, type MarkedSource, type RenderOptions } from './markers.ts';

/** The course's authoring notes: never copied into a learner's workspace. */
export const AUTHORING_ONLY = ['packages/course/wrong-answers/'];

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
    const files = options.learner ? all.filter((file) => !AUTHORING_ONLY.some((prefix) => file.startsWith(prefix))) : all;
    const sources = await markedSources(course, files);
    for (const file of files) {
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await copyFile(join(course.root, file), join(dir, file));
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
