/**
 * `pnpm bench:course [--runs N] [--keep]`: the learner loop's waits, measured in a
 * fresh workspace made from this repository (median of N runs, 5 by default):
 *
 * - CLI start:        `pnpm course help` (node, the TypeScript loader, the course tools' modules)
 * - first verify:     `pnpm course verify` in a new workspace (task 00 fails)
 * - save, db task:    a save in task 01's file → task 01's verdict (its stub still there)
 * - save, auth task:  the same for task 04 (no database) and task 05 (a database per test)
 * - save, app task:   the same for task 06
 * - task passes:      task 01's solution saved → task 01 passes and task 02's verdict is given
 * - late tasks:        for each task N of `--tasks` (25 and 30 by default), tasks before it
 *                      solved: a save in task N's files (a code change that keeps its stub) →
 *                      its verdict; a comment-only change → its verdict (no test may run);
 *                      task N's solution saved → task N+1's verdict
 * - tap runner:       task 01's file under the tap runner, for comparison with the node runner
 *
 * `--tasks 25` measures the late figures of task 25 only; `--no-early` leaves
 * out the figures of tasks 00–06 and the runner comparison.
 *
 * Each verify is what a learner waits for: `node packages/course/bin/course.mjs
 * verify` (what `pnpm course verify` starts), from its start to the verdict it
 * prints (the "✗ Task NN" lines) and to its end, which also re-checks earlier
 * tasks whose code changed. CPU is that of the command and every process it
 * started (Linux only). The machine's load changes absolute figures: the load
 * average is printed with them.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defaultCourse, taskById } from '../src/course.ts';
import { cpuSince, cpuTimes, load } from '../src/cpu.ts';
import { stubOf, type MarkedSource, type Region } from '../src/markers.ts';
import { StagedTree } from '../src/stage.ts';
import { testFile } from '../src/manifest.ts';
import { TEST_NODE_FLAGS, TS_LOADER } from '../src/runner.ts';
import { createWorkspace } from '../src/workspace.ts';

const run = promisify(execFile);
const quiet = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: process.cwd() };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** One wait: seconds to the verdict (or to the end, for commands without one), to the end, and CPU seconds. */
interface Wait {
  verdict: number;
  done: number;
  cpu: number | null;
}

/** Runs a command to its end, timing it and, where the system says, the CPU it and its children used. */
async function timed(command: string, args: string[], cwd: string): Promise<Wait> {
  const cpuBefore = await cpuTimes();
  const started = performance.now();
  const child = spawn(command, args, { cwd, env: { ...process.env, INIT_CWD: cwd }, stdio: ['ignore', 'pipe', 'ignore'] });
  let output = '';
  let verdict: number | null = null;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    verdict ??= /✗ Task \d+|All \d+ tasks pass/.test(output) ? performance.now() - started : null;
  });
  await once(child, 'close');
  const done = performance.now() - started;
  const cpu = cpuSince(cpuBefore, await cpuTimes()).children;
  return { verdict: (verdict ?? done) / 1000, done: done / 1000, cpu };
}

/**
 * A file as a learner has it with the tasks up to `upTo` done: each solution
 * written between its region's markers, which stay (the type check finds a
 * task's files by them); later tasks' stubs as the workspace gives them.
 */
function asLearnerHasIt(source: MarkedSource, upTo: number): string {
  const { lines } = source;
  const out: string[] = [];
  const emit = (from: number, to: number, regions: readonly Region[]): void => {
    let line = from;
    for (const region of regions) {
      out.push(...lines.slice(line, region.start), lines[region.start]!);
      if (region.task <= upTo) emit(region.start + 1, region.stub ?? region.end, region.children);
      else out.push(...stubOf(source, region));
      out.push(lines[region.end]!);
      line = region.end + 1;
    }
    out.push(...lines.slice(line, to));
  };
  emit(0, lines.length, source.regions);
  return out.join('\n');
}

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 3;
const late = (args.includes('--tasks') ? args[args.indexOf('--tasks') + 1]! : '25,30').split(',').map(Number);
const early = !args.includes('--no-early');
const course = defaultCourse();
const dir = await mkdtemp(join(tmpdir(), 'hallpass-bench-'));
const learner = { root: dir, tasks: course.tasks };
const backend = process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'PGlite';
process.stdout.write(`bench:course in ${dir}, median of ${runs}; test databases: ${backend}; load average ${load()}\n\n`);
process.stdout.write(`${'figure'.padEnd(34)} ${'verdict'.padStart(8)} ${'end'.padStart(8)} ${'CPU'.padStart(8)}   verdicts of each run\n`);
try {
  await createWorkspace(course, dir, quiet, { git: false });
  await run('pnpm', ['install', '--offline', '--silent'], { cwd: dir }).catch(() => run('pnpm', ['install', '--silent'], { cwd: dir }));

  // The solved text of each task's regions, to "save" a solution as a learner would.
  const staged = await mkdtemp(join(tmpdir(), 'hallpass-bench-solved-'));
  const tree = await StagedTree.create(course, staged);
  await rm(staged, { recursive: true, force: true });
  const render = (source: MarkedSource, upTo: number): string => asLearnerHasIt(source, upTo);
  const solvedText = (file: string, upTo: number): string => render(tree.sources.find((candidate) => candidate.file === file)!, upTo);
  const files = (task: number): string[] => tree.sources.filter((source) => source.regions.some(function has(region): boolean { return region.task === task || region.children.some(has); })).map((source) => source.file);
  const solveUpTo = async (task: number): Promise<void> => {
    for (const source of tree.sources) await writeFile(join(dir, source.file), render(source, task));
  };
  const resultsFile = join(dir, '.course/results.json');
  const cli = join(dir, 'packages/course/bin/course.mjs');
  const verify = (): Promise<Wait> => timed(process.execPath, [cli, 'verify'], dir);
  const figures: [string, Wait[]][] = [];
  const measure = async (name: string, before: () => Promise<unknown>, what: () => Promise<Wait>): Promise<void> => {
    const waits: Wait[] = [];
    for (let index = 0; index < runs; index++) {
      await before();
      waits.push(await what());
    }
    figures.push([name, waits]);
    const cpu = waits.every((wait) => wait.cpu !== null) ? `${median(waits.map((wait) => wait.cpu!)).toFixed(2)} s` : 'n/a';
    const each = waits.map((wait) => wait.verdict.toFixed(2)).join(', ');
    process.stdout.write(`${name.padEnd(34)} ${`${median(waits.map((wait) => wait.verdict)).toFixed(2)} s`.padStart(8)} ${`${median(waits.map((wait) => wait.done)).toFixed(2)} s`.padStart(8)} ${cpu.padStart(8)}   (${each})\n`);
  };
  // A save that changes code (a statement that does nothing, new each time: white space alone is no change),
  // and one that changes a comment only.
  let saves = 0;
  const append = async (task: number, text: () => string): Promise<void> => {
    for (const file of files(task)) await writeFile(join(dir, file), `${await readFile(join(dir, file), 'utf8')}${text()}`);
  };
  const touch = (task: number): Promise<void> => append(task, () => `\nvoid ${(saves += 1)};\n`);
  const comment = (task: number): Promise<void> => append(task, () => `\n// a note, ${(saves += 1)}\n`);
  const solve = async (task: number): Promise<void> => {
    for (const file of files(task)) await writeFile(join(dir, file), solvedText(file, task));
  };

  if (early) await earlyFigures();
  for (const id of late) {
    const name = String(id).padStart(2, '0');
    await solveUpTo(id - 1);
    await verify(); // tasks before it pass and are cached
    await measure(`save → verdict, task ${name}`, () => touch(id), verify);
    await measure(`comment only → verdict, task ${name}`, () => comment(id), verify);
    await measure(`task ${name} passes → next verdict`, async () => {
      await solveUpTo(id - 1);
      await verify();
    }, async () => {
      await solve(id);
      return verify();
    });
  }
  process.stdout.write(`load average at the end: ${load()}\n`);

  async function earlyFigures(): Promise<void> {
    await measure('CLI start (course help)', async () => {}, () => timed(process.execPath, [cli, 'help'], dir));
    await measure('first verify (new workspace)', async () => {
      await solveUpTo(-1);
      await rm(resultsFile, { force: true });
    }, verify);
    for (const [label, id] of [['save → verdict, db task 01', 1], ['save → verdict, auth task 04', 4], ['save → verdict, auth task 05', 5], ['save → verdict, app task 06', 6]] as const) {
      await solveUpTo(id - 1);
      await verify(); // tasks before it pass and are cached
      await measure(label, () => touch(id), verify);
    }
    await measure('task 01 passes → task 02 verdict', async () => {
      await solveUpTo(0);
      await verify();
    }, async () => {
      await solve(1);
      return verify();
    });
    const task = taskById(learner, 1);
    const pkg = join(dir, 'packages', task.package);
    const file = testFile(task).replace(/^packages\/[^/]+\//, '');
    await measure('task 01 file: tap runner', async () => {}, () => timed(process.execPath, [join(pkg, 'node_modules/tap/dist/esm/run.mjs'), '--disable-coverage', '--reporter=silent', file], pkg));
    await measure('task 01 file: node + loader', async () => {}, () => timed(process.execPath, [...TEST_NODE_FLAGS, '--import', TS_LOADER, file], pkg));
    const [tapTimes, nodeTimes] = [figures.at(-2)![1], figures.at(-1)![1]];
    process.stdout.write(`\nnode with the course's loader runs a task file in ${((median(nodeTimes.map((wait) => wait.done)) / median(tapTimes.map((wait) => wait.done))) * 100).toFixed(0)} % of the tap runner's time\n`);
  }
} finally {
  if (!args.includes('--keep')) await rm(dir, { recursive: true, force: true });
}
