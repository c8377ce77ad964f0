/**
 * What each task's tests ran the last time they ran, kept in `.course/runs/`:
 * the content hash of every file they could load, the files they did load,
 * and the code they executed with V8's coverage of it (execution.ts). When a
 * task passed and its files changed since, the learner loop re-checks it only
 * if the change can reach what it ran.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { mayChange, type Execution, type Range, type Script } from './execution.ts';
import { taskNumber, type Task } from './manifest.ts';
import type { TaskResult } from './runner.ts';
import { STATE_DIR } from './workspace.ts';

const RUNS = `${STATE_DIR}/runs`;

/** A task's last run, with paths relative to the course's root. */
interface LastRun {
  /** The content hash of each file of the packages the task's tests can load, when they ran. */
  files: Record<string, string>;
  loaded: string[];
  scripts: Record<string, Script>;
  coverage: Record<string, Range[][]>;
  strings: string[] | null;
  complete: boolean;
}

const CODE = /\.(ts|mts|cts|js|mjs|cjs)$/;

/** The files under `root` (a real path) among `paths`, relative to it. */
function inside(root: string, paths: Iterable<string>): string[] {
  return [...paths].map((path) => relative(root, path)).filter((path) => !path.startsWith('..'));
}

/** Keeps what `result`'s run executed; `files` are the hashes of the files it could load, as they were when it ran. */
export async function keepRun(root: string, realRoot: string, result: TaskResult, files: Record<string, string>): Promise<void> {
  const { execution } = result;
  if (execution === undefined) return;
  // the runner records the files loaded whenever it records an execution
  const byFile = <T>(map: Map<string, T>): Record<string, T> => Object.fromEntries([...map].flatMap(([path, value]) => inside(realRoot, [path]).map((file) => [file, value] as const)));
  const run: LastRun = {
    files,
    loaded: [...new Set([...inside(realRoot, result.loaded!), ...inside(realRoot, execution.scripts.keys()), ...inside(realRoot, execution.coverage.keys())])],
    scripts: byFile(execution.scripts),
    coverage: byFile(execution.coverage),
    strings: execution.strings,
    complete: execution.complete,
  };
  await mkdir(join(root, RUNS), { recursive: true });
  // a cache, like results.json: git is told to leave the folder out
  await writeFile(join(root, RUNS, '.gitignore'), '*\n');
  await writeFile(join(root, RUNS, `${taskNumber(result.task)}.json`), JSON.stringify(run));
}

/**
 * Whether a task that passed must run again now that its files are `files`:
 * yes when its last run is unknown, when a file was added or removed, when a
 * file that is not code changed, or when a changed code file it loaded may
 * change what it ran. `now` gives the code a changed file runs as now, from a
 * run made since the change (none: the task runs again).
 */
export async function mustRecheck(root: string, realRoot: string, task: Task, files: Record<string, string>, now: (file: string) => Script | undefined): Promise<boolean> {
  let run: LastRun;
  try {
    run = JSON.parse(await readFile(join(root, RUNS, `${taskNumber(task)}.json`), 'utf8')) as LastRun;
  } catch {
    return true; // never kept, or damaged
  }
  const names = new Set([...Object.keys(run.files), ...Object.keys(files)]);
  const changed = [...names].filter((file) => run.files[file] !== files[file]);
  const loaded = new Set(run.loaded);
  const execution: Execution = {
    scripts: new Map(Object.entries(run.scripts).map(([file, script]) => [join(realRoot, file), script])),
    coverage: new Map(Object.entries(run.coverage).map(([file, ranges]) => [join(realRoot, file), ranges])),
    strings: run.strings,
    complete: run.complete,
  };
  for (const file of changed) {
    if (run.files[file] === undefined || files[file] === undefined || !CODE.test(file)) return true;
    if (loaded.has(file) && mayChange(execution, join(realRoot, file), now(file))) return true;
  }
  return false;
}
