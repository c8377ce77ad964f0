/**
 * Wrong answers: the plausible mistakes a learner makes in a task, kept in the
 * course's authoring notes (`packages/course/wrong-answers/task-NN.ts`, never
 * copied into a learner's workspace). Each one is a text substitution on the
 * solved tree; the task's tests must fail with it applied.
 *
 * `pnpm course wrong-answers [N]` proves it: each wrong answer is applied to a
 * staged copy with the tasks up to its own solved, and the task's test file is
 * run. Workers run entries in parallel, each with a staged copy of its own.
 * Each wrong answer must type-check first: one that does not would show the
 * learner a compiler error, not a failing test, so it proves nothing of the
 * tests. One TypeScript program of the course checks them all, one after
 * another, while the tests run: each answer is applied in memory to its stage.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CourseError, type Course } from './course.ts';
import { courseFiles, exists, markedSources } from './files.ts';
import { plural, seconds, type Io } from './io.ts';
import { taskNumber, type Task } from './manifest.ts';
import { render, type MarkedSource } from './markers.ts';
import { runTasks } from './runner.ts';
import { StagedTree } from './stage.ts';
import { TypeChecker, formatTypeError, type TypeErrorAt } from './typecheck.ts';
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
  /** Type-check each wrong answer before its tests run (default true, when the course has a tsconfig.json and TypeScript). */
  typecheck?: boolean;
}

/** What became of one entry. */
export interface WrongAnswerResult {
  entry: WrongAnswerEntry;
  outcome: 'caught' | 'missed' | 'malformed' | 'uncompilable';
  /** The failing assertion (caught), what is wrong with the entry (malformed), its first compiler error (uncompilable). */
  detail: string;
}

/**
 * Type-checks wrong answers, one after another, on one program of the course:
 * each is applied in memory to the course as it reads with the tasks up to its
 * own solved, and the whole program is checked. Each check re-checks only the
 * files the change can affect (TypeScript's builder program): the answer's
 * file, and the files that import it when it changes what the file exports.
 * Only errors the answer brings count: those the stage has without it are left out.
 */
export class AnswerChecker {
  readonly #checker: TypeChecker;
  #queue: Promise<unknown> = Promise.resolve();
  /** The errors of each stage without any answer, by task id. */
  readonly #baselines = new Map<number, Set<string>>();

  private constructor(
    readonly course: Course,
    readonly sources: readonly MarkedSource[],
  ) {
    this.#checker = new TypeChecker(course.root);
  }

  static async create(course: Course): Promise<AnswerChecker> {
    return new AnswerChecker(course, await markedSources(course, await courseFiles(course.root)));
  }

  /** The texts of the files that differ from the course's own with the tasks up to `task` solved. */
  #stage(task: Task): Record<string, string> {
    const order = new Map(this.course.tasks.map((candidate, index) => [candidate.id, index]));
    const upTo = order.get(task.id)!;
    const texts: Record<string, string> = {};
    for (const source of this.sources) {
      const text = render(source, (id) => order.get(id)! <= upTo);
      if (text !== source.lines.join('\n')) texts[source.file] = text;
    }
    return texts;
  }

  /** The compiler errors the wrong answer brings; none when it does not apply (the run reports that). Checks wait their turn. */
  errorsOf(entry: WrongAnswerEntry): Promise<TypeErrorAt[]> {
    const result = this.#queue.then(() => this.#check(entry));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #check(entry: WrongAnswerEntry): Promise<TypeErrorAt[]> {
    const { task } = entry;
    const answer = entry.answer!;
    const texts = this.#stage(task);
    const text = texts[answer.file] ?? (await readFile(join(this.course.root, answer.file), 'utf8').catch(() => null));
    if (text === null || text.split(answer.find).length !== 2) return [];
    // the line is left out: an answer that adds lines moves the stage's own errors
    const key = (error: TypeErrorAt): string => `${error.file}\0${error.code}\0${error.message}`;
    let baseline = this.#baselines.get(task.id);
    if (baseline === undefined) {
      baseline = new Set((await this.#checker.errorsIn(null, texts)).map(key));
      this.#baselines.set(task.id, baseline);
    }
    const errors = await this.#checker.errorsIn(null, { ...texts, [answer.file]: text.replace(answer.find, () => answer.replace) });
    return errors.filter((error) => !baseline.has(key(error)));
  }

  close(): Promise<void> {
    return this.#checker.close();
  }
}

/** Whether the course can be type-checked: a tsconfig.json and TypeScript installed. */
async function canTypeCheck(root: string): Promise<boolean> {
  return (await exists(join(root, 'tsconfig.json'))) && (await exists(join(root, 'node_modules/typescript/package.json')));
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
    const label = { caught: 'caught', missed: 'MISSED', malformed: 'MALFORMED', uncompilable: 'NO BUILD' }[result.outcome];
    const name = result.entry.answer?.name ?? result.entry.where;
    say(`task ${taskNumber(result.entry.task)}  ${label.padEnd(9)}  ${name} — ${result.detail}\n`);
  };
  const runnable = entries.filter((entry) => entry.problem === null);

  // Each task's own tests first, on the solved tree; then its wrong answers.
  const tasks = [...new Set(runnable.map((entry) => entry.task))];
  const queue: (Task | WrongAnswerEntry)[] = tasks.flatMap((task) => [task, ...runnable.filter((entry) => entry.task === task)]);
  const baseline: string[] = [];
  const jobs = Math.max(1, Math.min(options.jobs ?? availableParallelism(), queue.length));
  const types = options.typecheck !== false && runnable.length > 0 && (await canTypeCheck(course.root)) ? await AnswerChecker.create(course) : null;
  // every check is asked for now: the checker works through them while the tests run
  const verdicts = new Map(runnable.map((entry) => [entry, types?.errorsOf(entry) ?? Promise.resolve([])]));
  say(`${plural(runnable.length, 'wrong answer')} of ${plural(tasks.length, 'task')}, ${jobs} at a time${runnable.length === 0 ? '' : types === null ? ' (not type-checked)' : ', each type-checked first'}\n\n`);
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
        const errors = await verdicts.get(item)!;
        if (errors.length > 0) {
          /* c8 ignore next - the fixtures' wrong answers each make one type error */
          const more = errors.length > 1 ? ` (and ${plural(errors.length - 1, 'more error')})` : '';
          report({ entry: item, outcome: 'uncompilable', detail: `${formatTypeError(errors[0]!)}${more}` });
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
  try {
    await Promise.all(Array.from({ length: jobs }, worker));
  } finally {
    await types?.close();
  }

  const count = (outcome: WrongAnswerResult['outcome']): number => results.filter((result) => result.outcome === outcome).length;
  say(`\n${plural(entries.length, 'wrong answer')} in ${seconds(Date.now() - started)}: ${count('caught')} caught, ${count('missed')} missed, ${count('malformed')} malformed${count('uncompilable') > 0 ? `, ${count('uncompilable')} not type-checking` : ''}\n`);
  const missed = results.filter((result) => result.outcome !== 'caught');
  if (missed.length + baseline.length === 0) return 0;
  const problem = (result: WrongAnswerResult): string => {
    if (result.outcome === 'missed') return `MISSED "${result.entry.answer!.name}"`;
    if (result.outcome === 'uncompilable') return `NO BUILD "${result.entry.answer!.name}" (${result.entry.where}) does not type-check, so a learner would see a compiler error, not a failing test: ${result.detail}`;
    return `MALFORMED ${result.detail}`;
  };
  const lines = [...baseline, ...missed.map((result) => `task ${taskNumber(result.entry.task)}: ${problem(result)}`)];
  io.stderr.write(`\nWRONG ANSWERS NOT CAUGHT (${plural(lines.length, 'problem')}):\n${lines.map((line) => `  - ${line}`).join('\n')}\n`);
  return 1;
}
