/**
 * Which of the compiler's errors belong to which task. A task's files are the
 * files that hold its regions and its test file; an error inside a task's
 * region is that task's (the innermost region, when regions nest), an error
 * elsewhere in a file with regions is every one of its tasks', and an error
 * in a task's test file is that task's: its code does not fit what the test
 * calls.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Course } from './course.ts';
import { courseFiles, isMarkable } from './files.ts';
import { mayHaveMarkers, parseMarkers, type Region } from './markers.ts';
import { testFile, type Task } from './manifest.ts';
import { TypeChecker, type TypeErrorAt } from './typecheck.ts';

/** A file with task regions: its tasks, and the lines of each region (1-based, inclusive). */
interface RegionFile {
  tasks: Set<number>;
  /** Every region, nested ones included: the narrowest one holding a line is the line's task. */
  spans: { task: number; from: number; to: number }[];
}

/** The files of `root` that hold regions of the course's tasks, by path. */
async function regionFiles(course: Course, root: string): Promise<Map<string, RegionFile>> {
  const known = new Set(course.tasks.map((task) => task.id));
  const found = new Map<string, RegionFile>();
  for (const file of (await courseFiles(root)).filter(isMarkable)) {
    const text = await readFile(join(root, file), 'utf8');
    if (!mayHaveMarkers(text)) continue;
    let entry: RegionFile;
    try {
      const spans: RegionFile['spans'] = [];
      const visit = (regions: Region[]): void => {
        for (const region of regions) {
          spans.push({ task: region.task, from: region.start + 1, to: region.end + 1 });
          visit(region.children);
        }
      };
      visit(parseMarkers(file, text, known).regions);
      entry = { tasks: new Set(spans.map((span) => span.task)), spans };
    } catch {
      // markers a learner broke: the file's errors count for every task it names
      entry = { tasks: new Set([...text.matchAll(/\/\/ #region task-(\d\d)\b/g)].map((match) => Number(match[1])).filter((id) => known.has(id))), spans: [] };
    }
    if (entry.tasks.size > 0) found.set(file, entry);
  }
  return found;
}

/** The tasks an error in a region file belongs to. */
function owners(entry: RegionFile, line: number | null): number[] {
  /* c8 ignore next 3 - an error with no line (a whole-file one), and nested regions with the narrower first: no fixture has them */
  const holding = line === null ? [] : entry.spans.filter((span) => span.from <= line && line <= span.to);
  if (holding.length === 0) return [...entry.tasks];
  const narrowest = holding.reduce((best, span) => (span.to - span.from < best.to - best.from ? span : best));
  return [narrowest.task];
}

/** The files whose errors can count for `task`: those with its regions, and its test file. */
export async function taskFiles(course: Course, root: string, task: Task): Promise<string[]> {
  const files = await regionFiles(course, root);
  return [...[...files].filter(([, entry]) => entry.tasks.has(task.id)).map(([file]) => file), testFile(task)];
}

/**
 * The compiler's errors of each task in `tasks`, for the tree in `root` (with
 * its tsconfig.json and installed TypeScript), checked as one program. A task
 * without errors has an empty list. `options.checker`: a checker kept by the
 * caller (else one for this check); `options.roots`: the program's only roots
 * besides the tasks' files (TypeChecker.errorsIn), else every file of tsconfig.json.
 */
export async function typeErrorsByTask(course: Course, root: string, tasks: readonly Task[], options: { checker?: TypeChecker; roots?: readonly string[] } = {}): Promise<Map<number, TypeErrorAt[]>> {
  const regions = await regionFiles(course, root);
  const wanted = new Set(tasks.map((task) => task.id));
  const files = [...regions].filter(([, entry]) => [...entry.tasks].some((id) => wanted.has(id))).map(([file]) => file);
  const tests = new Map(tasks.map((task) => [testFile(task), task.id]));
  const checker = options.checker ?? new TypeChecker(root);
  let errors: TypeErrorAt[];
  try {
    errors = await checker.errorsIn([...files, ...tests.keys()], {}, options.roots);
  } finally {
    if (options.checker === undefined) await checker.close();
  }
  const byTask = new Map(tasks.map((task) => [task.id, [] as TypeErrorAt[]]));
  for (const error of errors) {
    // an error of no file, or of a file that is neither (tsconfig.json), stops every task
    const entry = regions.get(error.file ?? '');
    const test = tests.get(error.file ?? '');
    const ids = entry !== undefined ? owners(entry, error.line) : test !== undefined ? [test] : [...wanted];
    for (const id of ids) byTask.get(id)?.push(error);
  }
  return byTask;
}
