/**
 * Wrong answers: the plausible mistakes a learner makes in a task, kept in the
 * course's authoring notes (`packages/course/wrong-answers/task-NN.ts`, never
 * copied into a learner's workspace). Each one is a text substitution on the
 * solved tree; the task's tests must fail with it applied.
 *
 * `pnpm course wrong-answers [N]` proves it: each wrong answer is applied to a
 * staged copy with the tasks up to its own solved, and the task's test file is
 * run. Workers run entries in parallel, each with a staged copy of its own.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CourseError, type Course } from './course.ts';
import { plural, seconds, type Io } from './io.ts';
import { taskNumber, type Task } from './manifest.ts';
import { runTasks } from './runner.ts';
import { StagedTree } from './stage.ts';
import { isWorkspace } from './workspace.ts';

export interface WrongAnswer {
  /** What the learner got wrong, in a few words: `stores the password in clear`. */
  name: string;
  /** The file to change, relative to the repository root. */
  file: string;
  /** Text of the solved tree, found exactly once in `file`. */
  find: string;
  /** What the wrong answer has instead. */
  replace: string;
}

/** Where the authoring notes live, relative to the course root. */
export const WRONG_ANSWERS_DIR = 'packages/course/wrong-answers';

/** One recorded entry: a well-formed wrong answer, or why it is not one. */
export interface WrongAnswerEntry {
  task: Task;
  /** Where it is recorded: `packages/course/wrong-answers/task-02.ts#3` (1-based). */
  where: string;
  answer: WrongAnswer | null;
  problem: string | null;
}

/**
 * Reads every `task-NN.ts` of the authoring notes (or only task `only`'s), in
 * manifest order. A file or entry of the wrong shape becomes an entry with a problem.
 */
export async function loadWrongAnswers(course: Course, only?: Task): Promise<WrongAnswerEntry[]> {
  const dir = join(course.root, WRONG_ANSWERS_DIR);
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => /^task-\d+\.ts$/.test(name)).sort();
  const unknown: WrongAnswerEntry[] = [];
  const entries: WrongAnswerEntry[] = [];
  for (const name of names) {
    const where = `${WRONG_ANSWERS_DIR}/${name}`;
    const id = Number(/\d+/.exec(name)![0]);
    if (only !== undefined && id !== only.id) continue;
    const task = course.tasks.find((candidate) => candidate.id === id);
    if (task === undefined) {
      unknown.push({ task: { ...course.tasks[0]!, id }, where, answer: null, problem: `there is no task ${id} in the manifest` });
      continue;
    }
    if (name !== `task-${taskNumber(task)}.ts`) {
      entries.push({ task, where, answer: null, problem: `name it task-${taskNumber(task)}.ts` });
      continue;
    }
    const module = (await import(pathToFileURL(join(dir, name)).href)) as { default?: unknown };
    if (!Array.isArray(module.default)) {
      entries.push({ task, where, answer: null, problem: 'its default export must be an array of wrong answers' });
      continue;
    }
    module.default.forEach((value: unknown, index) => {
      const problem = shapeProblem(value);
      entries.push({ task, where: `${where}#${index + 1}`, answer: problem === null ? (value as WrongAnswer) : null, problem });
    });
  }
  const order = new Map(course.tasks.map((task, index) => [task.id, index]));
  return [...unknown, ...entries.sort((a, b) => order.get(a.task.id)! - order.get(b.task.id)!)];
}

function shapeProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'an entry must be an object { name, file, find, replace }';
  const record = value as Record<string, unknown>;
  const bad = ['name', 'file', 'find', 'replace'].filter((key) => typeof record[key] !== 'string' || (key !== 'replace' && record[key] === ''));
  if (bad.length > 0) return `${bad.join(', ')} must be ${bad.length === 1 ? 'a string' : 'strings'}${bad.includes('replace') ? '' : ' (not empty)'}`;
  if (record.find === record.replace) return 'replace is the same as find: nothing would change';
  return null;
}

export interface WrongAnswerOptions {
  /** Entries run at once, each in a staged copy of its own (default: the number of CPUs). */
  jobs?: number;
  /** Seconds before a test file is stopped (the runner's default otherwise). */
  timeout?: number;
}

/** What became of one entry. */
export interface WrongAnswerResult {
  entry: WrongAnswerEntry;
  outcome: 'caught' | 'missed' | 'malformed';
  /** The failing assertion (caught), or what is wrong with the entry (malformed). */
  detail: string;
}

/**
 * Runs every recorded wrong answer (or task `only`'s) and prints one line each:
 * caught, MISSED or MALFORMED. Also runs each task's tests on the solved tree,
 * since a test that always fails would catch everything. 1 when anything is amiss.
 */
export async function checkWrongAnswers(course: Course, io: Io, only?: Task, options: WrongAnswerOptions = {}): Promise<number> {
  if (await isWorkspace(course.root)) {
    throw new CourseError('this is a learner workspace: the wrong answers are authoring notes of the course repository');
  }
  const started = Date.now();
  const entries = await loadWrongAnswers(course, only);
  const say = (text: string): void => void io.stdout.write(text);
  if (entries.length === 0) {
    say(`no wrong answers recorded${only === undefined ? '' : ` for task ${taskNumber(only)}`} in ${WRONG_ANSWERS_DIR}/\n`);
    return only === undefined ? 0 : 1;
  }
  const results: WrongAnswerResult[] = [];
  const report = (result: WrongAnswerResult): void => {
    results.push(result);
    const label = { caught: 'caught', missed: 'MISSED', malformed: 'MALFORMED' }[result.outcome];
    const name = result.entry.answer?.name ?? result.entry.where;
    say(`task ${taskNumber(result.entry.task)}  ${label.padEnd(9)}  ${name} — ${result.detail}\n`);
  };
  const runnable = entries.filter((entry) => entry.problem === null);

  // Each task's own tests first, on the solved tree; then its wrong answers.
  const tasks = [...new Set(runnable.map((entry) => entry.task))];
  const queue: (Task | WrongAnswerEntry)[] = tasks.flatMap((task) => [task, ...runnable.filter((entry) => entry.task === task)]);
  const baseline: string[] = [];
  const jobs = Math.max(1, Math.min(options.jobs ?? availableParallelism(), queue.length));
  say(`${plural(runnable.length, 'wrong answer')} of ${plural(tasks.length, 'task')}, ${jobs} at a time\n\n`);
  for (const entry of entries) if (entry.problem !== null) report({ entry, outcome: 'malformed', detail: entry.problem });

  const order = new Map(course.tasks.map((task, index) => [task.id, index]));
  const worker = async (): Promise<void> => {
    const dir = await mkdtemp(join(tmpdir(), 'hallpass-wrong-'));
    try {
      const tree = await StagedTree.create(course, dir);
      await tree.linkNodeModules(course);
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        const task = 'answer' in item ? item.task : item;
        const upTo = order.get(task.id)!;
        await tree.render((id) => order.get(id)! <= upTo);
        const runOptions = { jobs: 1, ...(options.timeout === undefined ? {} : { timeout: options.timeout }) };
        if (!('answer' in item)) {
          const [result] = await runTasks(dir, [task], runOptions);
          if (result!.status === 'fail') baseline.push(`task ${taskNumber(task)}: its tests fail on its own solution, so they prove nothing here: ${result!.message}`);
          continue;
        }
        const answer = item.answer!;
        const path = join(dir, answer.file);
        const text = await readFile(path, 'utf8').catch(() => null);
        if (text === null) {
          report({ entry: item, outcome: 'malformed', detail: `${item.where}: ${answer.file} does not exist` });
          continue;
        }
        const count = text.split(answer.find).length - 1;
        if (count !== 1) {
          report({ entry: item, outcome: 'malformed', detail: `${item.where}: its find text occurs ${count} times in ${answer.file} with tasks ≤ ${taskNumber(task)} solved (it must occur once)` });
          continue;
        }
        await writeFile(path, text.replace(answer.find, () => answer.replace));
        try {
          const [result] = await runTasks(dir, [task], runOptions);
          if (result!.status === 'pass') report({ entry: item, outcome: 'missed', detail: `task ${taskNumber(task)}'s tests pass with it (${result!.passed}/${result!.total})` });
          else report({ entry: item, outcome: 'caught', detail: `${result!.message}${result!.at === null || result!.at.includes('node_modules') ? '' : ` (${result!.at})`}` });
        } finally {
          await writeFile(path, text);
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));

  const count = (outcome: WrongAnswerResult['outcome']): number => results.filter((result) => result.outcome === outcome).length;
  say(`\n${plural(entries.length, 'wrong answer')} in ${seconds(Date.now() - started)}: ${count('caught')} caught, ${count('missed')} missed, ${count('malformed')} malformed\n`);
  const missed = results.filter((result) => result.outcome !== 'caught');
  if (missed.length + baseline.length === 0) return 0;
  const lines = [...baseline, ...missed.map((result) => `task ${taskNumber(result.entry.task)}: ${result.outcome === 'missed' ? `MISSED "${result.entry.answer!.name}"` : `MALFORMED ${result.detail}`}`)];
  io.stderr.write(`\nWRONG ANSWERS NOT CAUGHT (${plural(lines.length, 'problem')}):\n${lines.map((line) => `  - ${line}`).join('\n')}\n`);
  return 1;
}
