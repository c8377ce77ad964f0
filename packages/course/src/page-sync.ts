/**
 * Pages and tests in step: every exact thing a task's test file checks (a
 * regex, an error `code`, a `message`, a header name) must be written on the
 * task's page, and the page's "Learning objectives" and "Time" must be the
 * manifest's. A learner who reads the page then has everything the test asks.
 *
 * The test file is read with TypeScript's parser, pragmatically: every regex
 * literal (tests match messages, headers and names with them), the string of
 * a `message:` or `code:` property, the expected string of `t.equal` /
 * `t.match` / `t.same` when the actual value is a `.message` or `.code`, and
 * the header names read from `.headers`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';
import type { Course } from './course.ts';
import { docPage, taskNumber, testFile, type Task } from './manifest.ts';

/** One exact thing a test checks. */
export interface CheckedText {
  kind: 'regex' | 'string' | 'header';
  /** The regex source (without its slashes), the string, or the header name. */
  text: string;
  /** The regex's flags; '' for strings and headers. */
  flags: string;
  /** 1-based line in the test file. */
  line: number;
}

const ASSERTIONS_ON_VALUES = new Set(['equal', 'strictEqual', 'match', 'same', 'strictSame', 'has']);

/** The exact texts a test file checks, in source order, without repeats. */
export function checkedTexts(source: string, fileName = 'test.ts'): CheckedText[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: CheckedText[] = [];
  const add = (kind: CheckedText['kind'], text: string, flags: string, node: ts.Node): void => {
    if (found.some((item) => item.kind === kind && item.text === text && item.flags === flags)) return;
    found.push({ kind, text, flags, line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1 });
  };
  const addString = (node: ts.Node | undefined): void => {
    if (node !== undefined && ts.isStringLiteralLike(node)) add('string', node.text, '', node);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isRegularExpressionLiteral(node)) {
      const slash = node.text.lastIndexOf('/');
      add('regex', node.text.slice(1, slash), node.text.slice(slash + 1), node);
    } else if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && (node.name.text === 'message' || node.name.text === 'code')) {
      addString(node.initializer);
    } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ASSERTIONS_ON_VALUES.has(node.expression.name.text)) {
      const [actual, expected] = node.arguments;
      if (actual !== undefined && ts.isPropertyAccessExpression(actual) && ['message', 'code'].includes(actual.name.text)) addString(expected);
    } else if (ts.isElementAccessExpression(node) && isHeaders(node.expression) && ts.isStringLiteralLike(node.argumentExpression)) {
      add('header', node.argumentExpression.text, '', node);
    } else if (ts.isPropertyAccessExpression(node) && isHeaders(node.expression)) {
      add('header', node.name.text, '', node);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function isHeaders(node: ts.Expression): boolean {
  return ts.isPropertyAccessExpression(node) && node.name.text === 'headers';
}

/**
 * Whether a page states a checked text. A string must appear verbatim; a header
 * name in any case; a regex must match the page (its `^`/`$` anchors dropped,
 * since the page shows the text inside a sentence), with or without the
 * page's backticks.
 */
export function pageStates(page: string, checked: CheckedText): boolean {
  const plain = page.replace(/`/g, '');
  if (checked.kind === 'string') return page.includes(checked.text);
  if (checked.kind === 'header') return page.toLowerCase().includes(checked.text.toLowerCase());
  const unanchored = checked.text.replace(/^\^/, '').replace(/(?<!\\)\$$/, '');
  const regex = new RegExp(unanchored, checked.flags.replace(/[gy]/g, ''));
  return regex.test(page) || regex.test(plain);
}

/** The bullets under a page's `## Learning objectives`, and the minutes of its `**Time:** about N minutes`. */
export function pageFacts(page: string): { objectives: string[] | null; minutes: number | null } {
  const section = /^## Learning objectives[ \t]*\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(page);
  const objectives = section === null ? null : [...section[1]!.matchAll(/^[-*] (.+)$/gm)].map((match) => match[1]!.trim());
  const time = /\*\*Time:\*\* about (\d+) minutes?/.exec(page);
  return { objectives, minutes: time === null ? null : Number(time[1]) };
}

/** What a task's page fails to say: texts its test checks, objectives and time that differ from the manifest. */
export async function taskPageProblems(course: Course, task: Task): Promise<string[]> {
  const id = `task ${taskNumber(task)}`;
  const page = await readFile(join(course.root, docPage(task)), 'utf8').catch(() => null);
  if (page === null) return [`${id}: no page (${docPage(task)})`];
  const problems: string[] = [];
  const test = await readFile(join(course.root, testFile(task)), 'utf8').catch(() => null);
  for (const checked of test === null ? [] : checkedTexts(test, testFile(task))) {
    if (pageStates(page, checked)) continue;
    const shown = checked.kind === 'regex' ? `/${checked.text}/${checked.flags}` : checked.kind === 'header' ? `header ${checked.text}` : JSON.stringify(checked.text);
    problems.push(`${id}: ${testFile(task)}:${checked.line} checks ${shown}, which ${docPage(task)} does not state`);
  }
  const facts = pageFacts(page);
  if (facts.objectives === null) problems.push(`${id}: ${docPage(task)} has no "## Learning objectives" section`);
  else if (facts.objectives.join('\n') !== task.objectives.join('\n')) {
    problems.push(`${id}: the learning objectives of ${docPage(task)} are not the manifest's (${task.objectives.map((text) => JSON.stringify(text)).join(', ')})`);
  }
  if (facts.minutes !== task.minutes) problems.push(`${id}: ${docPage(task)} must say "**Time:** about ${task.minutes} minutes", as the manifest does`);
  return problems;
}

/** Every task's page problems, in manifest order (`pnpm course check` and `course docs --check` report them through `docsProblems`). */
export async function pageSyncProblems(course: Course): Promise<string[]> {
  const problems: string[] = [];
  for (const task of course.tasks) problems.push(...(await taskPageProblems(course, task)));
  return problems;
}
