/**
 * `pnpm grade --format exercism`: the grade as Exercism's test runners write it,
 * `results.json` version 3 (the test-runner interface of exercism/docs): one
 * entry per top-level test, in the order of its file, with the test's code and
 * the task it belongs to.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as typescript from 'typescript';
import type { Course } from './course.ts';
import { gradedTests } from './verdicts.ts';
import { taskNumber, testFile, type Task } from './manifest.ts';
import type { TaskResult } from './runner.ts';

export interface ExercismTest {
  name: string;
  status: 'pass' | 'fail' | 'error';
  message: string | null;
  /** What the code printed while the test ran (at most 500 characters), or null. */
  output: string | null;
  test_code: string;
  /** The course's task number (task 00 is 0). */
  task_id: number;
}

export interface ExercismResults {
  version: 3;
  status: 'pass' | 'fail' | 'error';
  /** Why no test ran, when status is error; null otherwise. */
  message: string | null;
  tests: ExercismTest[];
}

/** The code of each top-level test of a task's file, by test name. */
export type TestCode = Map<number, Map<string, string>>;

/**
 * The results as Exercism reads them. A skipped test did not run: it fails
 * (saying what it needs) unless `allowSkips`. A compiler error fails its task
 * as a test of its own; a file that did not run to its end is an error.
 */
export function exercismResults(results: readonly TaskResult[], options: { allowSkips?: boolean; testCode?: TestCode } = {}): ExercismResults {
  const tests: ExercismTest[] = [];
  for (const result of results) {
    const { task } = result;
    const code = options.testCode?.get(task.id);
    const outputs = new Map(result.tests.map((test) => [test.name, test.output]));
    for (const test of gradedTests(result)) {
      const skipped = test.status === 'skip';
      tests.push({
        name: `task ${taskNumber(task)} › ${test.name}`,
        status: test.status === 'skip' ? (options.allowSkips === true ? 'pass' : 'fail') : test.status,
        message: skipped ? `not run: ${test.message}` : test.message,
        output: outputs.get(test.name) ?? null,
        test_code: code?.get(test.name) ?? `// see ${testFile(task)}`,
        task_id: task.id,
      });
    }
  }
  const ran = results.some((result) => result.total > 0 || result.skipped.length > 0);
  if (!ran) {
    // none skipped a test either (that counts as ran): each failed before its first test
    const message = results.map((result) => `task ${taskNumber(result.task)}: ${result.message}`).join('\n');
    return { version: 3, status: 'error', message, tests };
  }
  return { version: 3, status: tests.every((test) => test.status === 'pass') ? 'pass' : 'fail', message: null, tests };
}

/** The TypeScript installed in the course (the package itself does not depend on it). */
type TS = typeof typescript;

/**
 * The code of the top-level tests of the tasks' files in `root`: for
 * `t.test('name', …, async (t) => { body })`, the body. Tests named at run
 * time (in a loop, with a template) and assertions made at the top of a file
 * are not found: they get a pointer to the file.
 */
export async function testCodeOf(course: Course, root: string, tasks: readonly Task[]): Promise<TestCode> {
  const ts = createRequire(join(course.root, 'package.json'))('typescript') as TS;
  const code: TestCode = new Map();
  for (const task of tasks) {
    const text = await readFile(join(root, testFile(task)), 'utf8').catch(() => null);
    code.set(task.id, text === null ? new Map() : topLevelTests(ts, testFile(task), text));
  }
  return code;
}

function topLevelTests(ts: TS, file: string, text: string): Map<string, string> {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found = new Map<string, string>();
  const visit = (node: typescript.Node): void => {
    if (ts.isFunctionLike(node)) return; // inside a test: not a top-level one
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === 't' && node.expression.name.text === 'test') {
      const [name] = node.arguments;
      const body = node.arguments.find((arg) => ts.isArrowFunction(arg) || ts.isFunctionExpression(arg)) as typescript.ArrowFunction | undefined;
      if (name !== undefined && ts.isStringLiteralLike(name) && body !== undefined && !found.has(name.text)) found.set(name.text, bodyText(ts, body, source));
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** A function's body, its braces removed and its lines unindented. */
function bodyText(ts: TS, fn: typescript.ArrowFunction, source: typescript.SourceFile): string {
  if (!ts.isBlock(fn.body)) return fn.body.getText(source);
  const lines = source.text.slice(fn.body.getStart(source) + 1, fn.body.getEnd() - 1).split('\n');
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)![0].length));
  return lines.map((line) => line.slice(indent)).join('\n');
}
