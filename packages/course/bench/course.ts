/**
 * `pnpm bench:course [--runs N] [--keep]`: the learner loop's waits, measured in a
 * fresh workspace made from this repository (median of N runs, 5 by default):
 *
 * - first verify:     `pnpm course verify` in a new workspace (task 00 fails)
 * - save, db task:    a save in task 01's file → task 01's verdict (its stub still there)
 * - save, auth task:  the same for task 04
 * - save, app task:   the same for task 06
 * - task passes:      task 01's solution saved → task 01 passes and task 02's verdict is given
 * - tap runner:       task 01's file under the tap runner, for comparison with the node runner
 *
 * Each figure is the wall time of one `course verify` (or one file run) after
 * the edit. The machine's load changes absolute figures: compare the ratios.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defaultCourse, taskById } from '../src/course.ts';
import { verify } from '../src/learner.ts';
import { render as renderSource, type MarkedSource } from '../src/markers.ts';
import { StagedTree } from '../src/stage.ts';
import { testFile } from '../src/manifest.ts';
import { createWorkspace } from '../src/workspace.ts';

const run = promisify(execFile);
const quiet = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: process.cwd() };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return (performance.now() - started) / 1000;
}

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 5;
const course = defaultCourse();
const dir = await mkdtemp(join(tmpdir(), 'hallpass-bench-'));
const learner = { root: dir, tasks: course.tasks };
process.stdout.write(`bench:course in ${dir}, median of ${runs}\n`);
try {
  await createWorkspace(course, dir, quiet, { git: false });
  await run('pnpm', ['install', '--offline', '--silent'], { cwd: dir }).catch(() => run('pnpm', ['install', '--silent'], { cwd: dir }));

  // The solved text of each task's regions, to "save" a solution as a learner would.
  const staged = await mkdtemp(join(tmpdir(), 'hallpass-bench-solved-'));
  const tree = await StagedTree.create(course, staged);
  await rm(staged, { recursive: true, force: true });
  const render = (source: MarkedSource, upTo: number): string => renderSource(source, (id) => id <= upTo, { keepMarkers: true });
  const solvedText = (file: string, upTo: number): string => render(tree.sources.find((candidate) => candidate.file === file)!, upTo);
  const files = (task: number): string[] => tree.sources.filter((source) => source.regions.some(function has(region): boolean { return region.task === task || region.children.some(has); })).map((source) => source.file);
  const solveUpTo = async (task: number): Promise<void> => {
    for (const source of tree.sources) await writeFile(join(dir, source.file), render(source, task));
  };
  const resultsFile = join(dir, '.course/results.json');
  const figures: [string, number[]][] = [];
  const measure = async (name: string, before: () => Promise<void>, what: () => Promise<unknown>): Promise<void> => {
    const times: number[] = [];
    for (let index = 0; index < runs; index++) {
      await before();
      times.push(await timed(what));
    }
    figures.push([name, times]);
    process.stdout.write(`${name.padEnd(34)} median ${median(times).toFixed(2)} s   (${times.map((time) => time.toFixed(2)).join(', ')})\n`);
  };
  const touch = async (task: number): Promise<void> => {
    for (const file of files(task)) await writeFile(join(dir, file), `${await readFile(join(dir, file), 'utf8')}\n`);
  };

  await measure('first verify (new workspace)', async () => {
    await solveUpTo(-1);
    await rm(resultsFile, { force: true });
  }, () => verify(learner, quiet));
  for (const [label, id] of [['save → verdict, db task 01', 1], ['save → verdict, auth task 04', 4], ['save → verdict, app task 06', 6]] as const) {
    await solveUpTo(id - 1);
    await verify(learner, quiet); // tasks before it pass and are cached
    await measure(label, () => touch(id), () => verify(learner, quiet));
  }
  await measure('task 01 passes → task 02 verdict', async () => {
    await solveUpTo(0);
    await verify(learner, quiet);
  }, async () => {
    for (const file of files(1)) await writeFile(join(dir, file), solvedText(file, 1));
    await verify(learner, quiet);
  });
  const task = taskById(learner, 1);
  const pkg = join(dir, 'packages', task.package);
  await measure('task 01 file: tap runner', async () => {}, () => run(process.execPath, [join(pkg, 'node_modules/tap/dist/esm/run.mjs'), '--disable-coverage', '--reporter=silent', testFile(task).replace(/^packages\/[^/]+\//, '')], { cwd: pkg }).catch(() => null));
  await measure('task 01 file: node + tsx', async () => {}, () => run(process.execPath, ['--import', import.meta.resolve('tsx'), testFile(task).replace(/^packages\/[^/]+\//, '')], { cwd: pkg }).catch(() => null));
  const [tapTimes, nodeTimes] = [figures.at(-2)![1], figures.at(-1)![1]];
  process.stdout.write(`\nnode + tsx runs a task file in ${((median(nodeTimes) / median(tapTimes)) * 100).toFixed(0)} % of the tap runner's time\n`);
} finally {
  if (!args.includes('--keep')) await rm(dir, { recursive: true, force: true });
}
