/**
 * `course solution N` and `course reset N` in a learner workspace.
 *
 * Both need the course's own text of each region: its reference solution and
 * its stub. `course new` writes them into the workspace as
 * `.course/reference.dat`: JSON, gzipped and base64-encoded. That is not a
 * secret (one line of Node decodes it); it keeps solutions out of sight and out
 * of search results in the learner's editor, and lets a workspace work without
 * the course repository it was made from.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CourseError, type Course } from './course.ts';
import type { Io } from './io.ts';
import { taskNumber, type Task } from './manifest.ts';
import { parseMarkers, solutionOf, stubOf, type MarkedSource, type Region } from './markers.ts';

const run = promisify(execFile);

/** In the workspace's state folder (`.course`, see workspace.ts). */
export const REFERENCE = '.course/reference.dat';

/** One region of the course, as the learner's tools need it. */
export interface ReferenceRegion {
  file: string;
  task: number;
  /** The task whose code this region sits in, for a nested region; null at the top of a file. */
  parent: number | null;
  /** The reference solution, later tasks' regions inside it left as their stubs. */
  solution: string[];
  /** What the learner's copy starts with. */
  stub: string[];
}

/** Every region of the course's marked sources, in file order. */
export function referenceRegions(sources: readonly MarkedSource[]): ReferenceRegion[] {
  const out: ReferenceRegion[] = [];
  for (const source of sources) {
    const visit = (regions: Region[], parent: number | null): void => {
      for (const region of regions) {
        // later tasks stay stubbed, as the learner meets them; earlier ones are solved
        out.push({ file: source.file, task: region.task, parent, solution: solutionOf(source, region, (id) => id < region.task), stub: stubOf(source, region) });
        visit(region.children, region.task);
      }
    };
    visit(source.regions, null);
  }
  return out;
}

export function encodeReference(regions: readonly ReferenceRegion[]): string {
  return `${gzipSync(JSON.stringify(regions)).toString('base64')}\n`;
}

async function readReference(course: Course): Promise<ReferenceRegion[]> {
  const text = await readFile(join(course.root, REFERENCE), 'utf8').catch(() => null);
  if (text === null) throw new CourseError(`no ${REFERENCE} here: solution and reset work in a learner workspace made by \`pnpm course new\``);
  return JSON.parse(gunzipSync(Buffer.from(text, 'base64')).toString('utf8')) as ReferenceRegion[];
}

interface Place {
  region: ReferenceRegion;
  /** The learner's file, parsed; null for a nested region (its markers are not in the learner's copy). */
  source: MarkedSource | null;
  learner: Region | null;
}

/** The regions of `task`, each with where it is in the learner's files. */
async function places(course: Course, task: Task): Promise<Place[]> {
  const regions = (await readReference(course)).filter((region) => region.task === task.id);
  if (regions.length === 0) throw new CourseError(`task ${taskNumber(task)} has no region in the course's sources`);
  const known = new Set(course.tasks.map((candidate) => candidate.id));
  const parsed = new Map<string, MarkedSource>();
  const used = new Map<string, number>();
  const result: Place[] = [];
  for (const region of regions) {
    if (region.parent !== null) {
      result.push({ region, source: null, learner: null });
      continue;
    }
    let source = parsed.get(region.file);
    if (source === undefined) {
      const text = await readFile(join(course.root, region.file), 'utf8').catch(() => null);
      if (text === null) throw new CourseError(`${region.file} is gone: task ${taskNumber(task)} has code there (git can bring it back)`);
      source = parseMarkers(region.file, text, known);
      parsed.set(region.file, source);
    }
    const index = used.get(region.file) ?? 0;
    used.set(region.file, index + 1);
    const learner = source.regions.filter((candidate) => candidate.task === task.id)[index];
    if (learner === undefined) {
      throw new CourseError(`${region.file}: the \`// #region task-${taskNumber(task)}\` … \`// #endregion\` lines were removed; put them back around your code (git diff shows where)`);
    }
    result.push({ region, source, learner });
  }
  return result;
}

/** The learner's lines between a region's markers. */
function learnerLines(source: MarkedSource, region: Region): string[] {
  return source.lines.slice(region.start + 1, region.end);
}

/** A unified diff of two texts, labelled, from git (which every workspace has). */
async function diff(label: string, from: string[], to: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hallpass-diff-'));
  try {
    await mkdir(join(dir, 'yours', dirname(label)), { recursive: true });
    await mkdir(join(dir, 'reference', dirname(label)), { recursive: true });
    await writeFile(join(dir, 'yours', label), `${from.join('\n')}\n`);
    await writeFile(join(dir, 'reference', label), `${to.join('\n')}\n`);
    const args = ['diff', '--no-index', '--no-color', '--no-ext-diff', `yours/${label}`, `reference/${label}`];
    const output = await run('git', args, { cwd: dir }).then(
      () => '',
      (error: { code?: number; stdout?: string }) => {
        /* c8 ignore next - git exits 1 when the texts differ; anything else means git itself failed */
        if (error.code !== 1) throw new CourseError('git is needed to show a solution as a diff');
        return error.stdout!;
      },
    );
    return output.split('\n').filter((line) => !/^(diff --git|index )/.test(line)).join('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `course solution N`: the reference solution of task N as a diff against the learner's code. */
export async function solution(course: Course, io: Io, task: Task, options: { passed: boolean; force?: boolean }): Promise<number> {
  if (!options.passed && !options.force) {
    io.stderr.write(
      `Task ${taskNumber(task)} does not pass yet: its reference solution is shown once it does (\`pnpm course verify\`).\n` +
        `Try \`pnpm course hint ${task.id}\` first; \`pnpm course solution ${task.id} --force\` shows it anyway.\n`,
    );
    return 1;
  }
  io.stdout.write(`Reference solution of task ${taskNumber(task)}: ${task.title}\n(- your code, + the reference; any code that passes the tests is a right answer)\n\n`);
  for (const { region, source, learner } of await places(course, task)) {
    if (source === null || learner === null) {
      io.stdout.write(`${region.file}, inside task ${taskNumber({ id: region.parent! })}'s code (- the code before this task, + after):\n`);
      io.stdout.write(`${await diff(region.file, region.stub, region.solution)}\n`);
      continue;
    }
    const yours = learnerLines(source, learner);
    const text = await diff(region.file, yours, region.solution);
    io.stdout.write(text === '' ? `${region.file}: your code is the reference's, line for line\n\n` : `${text}\n`);
  }
  return 0;
}

/** `course reset N`: every region of task N back to its stub; the rest of the learner's code is left alone. */
export async function reset(course: Course, io: Io, task: Task): Promise<number> {
  const byFile = new Map<string, { source: MarkedSource; edits: { learner: Region; stub: string[] }[] }>();
  const nested: ReferenceRegion[] = [];
  for (const { region, source, learner } of await places(course, task)) {
    if (source === null || learner === null) {
      nested.push(region);
      continue;
    }
    const entry = byFile.get(region.file) ?? { source, edits: [] };
    entry.edits.push({ learner, stub: region.stub });
    byFile.set(region.file, entry);
  }
  for (const [file, { source, edits }] of byFile) {
    const lines = [...source.lines];
    // from the bottom up, so earlier line numbers stay right
    for (const { learner, stub } of edits.sort((a, b) => b.learner.start - a.learner.start)) lines.splice(learner.start + 1, learner.end - learner.start - 1, ...stub);
    await writeFile(join(course.root, file), lines.join('\n'));
    io.stdout.write(`reset ${file}\n`);
  }
  for (const region of nested) {
    io.stdout.write(`${region.file}: this task's code sits inside task ${taskNumber({ id: region.parent! })}'s, which you wrote yourself; \`pnpm course reset ${region.parent}\` puts that whole stub back\n`);
  }
  io.stdout.write(`Task ${taskNumber(task)} is back to its stub${byFile.size === 0 ? ' (nothing to change in your files)' : ''}; \`git diff\` shows what changed.\n`);
  return 0;
}
