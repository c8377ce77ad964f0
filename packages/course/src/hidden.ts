/**
 * Hidden requirements, found mechanically. A learner has the pages, the given
 * code and the tests; never the reference answers. So:
 *
 * - when a task's test checks a text (a `message`, a `code`, a name compared
 *   with `t.equal` / `t.match`) that an earlier task's solution produces, that
 *   earlier task's page must state it: otherwise a learner's own wording passes
 *   the earlier task and fails this one;
 * - a string a task's test expects (a name, a message) must be on its page,
 *   an earlier page, or in given code;
 * - a page may name (in backticks) given code, or what its own task or an
 *   earlier page asks the learner to write; never a name that exists only in
 *   the reference answer of another task.
 *
 * "Given code" is the text of the course's sources outside the task regions
 * (stubs included), without the test files. Hints (`## Hints`) are left out
 * of the second check: they are about the reference's way by design.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';
import type { Course } from './course.ts';
import { courseFiles, isMarkable, markedSources } from './files.ts';
import { docPage, taskNumber, testFile } from './manifest.ts';
import { checkedTexts } from './page-sync.ts';
import { render, type MarkedSource, type Region } from './markers.ts';

/** A text written in a task's solution: a string literal, or the fixed part of a template. */
export interface Produced {
  task: number;
  text: string;
  file: string;
  /** 1-based. */
  line: number;
}

/** What the checks know of the code: the given text, and what each task's solution writes. */
export interface CodeIndex {
  given: string;
  produced: Produced[];
  /** Names declared in a task's solution (functions, classes, variables, methods, types), where. */
  declared: { task: number; name: string; file: string; line: number }[];
}

const TEST = /(^|\/)test\/(.+\/)?[^/]+\.test\.[cm]?[jt]sx?$/;
/** Shorter fixed texts ("utf8", "id") say nothing a page must state. */
const MIN_PRODUCED = 8;

/** The given code and the solutions of a course. */
export async function codeIndex(course: Course): Promise<CodeIndex> {
  const files = (await courseFiles(course.root)).filter((file) => isMarkable(file) && !TEST.test(file) && !file.startsWith('packages/course/'));
  const sources = new Map((await markedSources(course, files)).map((source) => [source.file, source]));
  const given: string[] = [];
  const produced: Produced[] = [];
  const declared: CodeIndex['declared'] = [];
  for (const file of files) {
    const source = sources.get(file);
    if (source === undefined) {
      given.push(await readFile(join(course.root, file), 'utf8'));
      continue;
    }
    given.push(render(source, () => false));
    const owners = lineOwners(source);
    const parsed = ts.createSourceFile(file, source.lines.join('\n'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const visit = (node: ts.Node): void => {
      const name = declaredName(node);
      if (name !== null) {
        const line = parsed.getLineAndCharacterOfPosition(name.getStart(parsed)).line;
        const task = owners[line];
        if (task !== undefined) declared.push({ task, name: name.text, file, line: line + 1 });
      }
      for (const text of fixedTexts(node)) {
        const line = parsed.getLineAndCharacterOfPosition(node.getStart(parsed)).line;
        const task = owners[line];
        if (task !== undefined && text.trim().length >= MIN_PRODUCED) produced.push({ task, text: text.trim(), file, line: line + 1 });
      }
      if (!ts.isImportDeclaration(node) && !ts.isExportDeclaration(node)) ts.forEachChild(node, visit);
    };
    visit(parsed);
  }
  return { given: given.join('\n'), produced, declared };
}

/** For each line, the task whose solution it belongs to (undefined: given code, markers, stubs). */
function lineOwners(source: MarkedSource): (number | undefined)[] {
  const owners: (number | undefined)[] = new Array(source.lines.length);
  const visit = (regions: Region[]): void => {
    for (const region of regions) {
      for (let line = region.start + 1; line < (region.stub ?? region.end); line++) owners[line] = region.task;
      visit(region.children);
      for (const child of region.children) for (let line = child.start; line <= child.end; line++) if (owners[line] === region.task) owners[line] = undefined;
    }
  };
  visit(source.regions);
  return owners;
}

/** The name a declaration gives, when the node is one. */
function declaredName(node: ts.Node): ts.Identifier | null {
  if (
    (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isEnumDeclaration(node) ||
      ts.isVariableDeclaration(node) || ts.isMethodDeclaration(node) || ts.isPropertyDeclaration(node) || ts.isGetAccessorDeclaration(node)) &&
    node.name !== undefined && ts.isIdentifier(node.name)
  ) {
    return node.name;
  }
  return null;
}

/** The fixed texts of a string literal or a template: the whole string, or each part between `${…}`. */
function fixedTexts(node: ts.Node): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((span) => span.literal.text)];
  return [];
}

/** One text a test compares what the code did with. */
export interface Compared {
  /** The text, or for a regex its source with escapes removed (what it matches literally, near enough). */
  text: string;
  shown: string;
  /** 1-based line in the test file. */
  line: number;
}

/**
 * The texts a test file holds: every string, template and regex literal (a
 * test's expected values often sit in a table of cases, not in the assertion
 * itself). Only those that contain a text some solution writes matter.
 */
export function comparedTexts(source: string, fileName = 'test.ts'): Compared[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Compared[] = [];
  const line = (node: ts.Node): number => file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) return;
    if (ts.isRegularExpressionLiteral(node)) {
      const body = node.text.slice(1, node.text.lastIndexOf('/'));
      found.push({ text: body.replace(/\\(.)/g, '$1'), shown: node.text, line: line(node) });
    } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      found.push({ text: node.text, shown: JSON.stringify(node.text), line: line(node) });
    } else if (ts.isTemplateExpression(node)) {
      found.push({ text: fixedTexts(node).join('\u0000'), shown: node.getText(file), line: line(node) });
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

const ASSERTIONS = new Set(['equal', 'strictEqual', 'match', 'same', 'strictSame', 'has', 'hasStrict', 'rejects', 'throws']);

/**
 * The strings a test expects: the expected argument of tap's assertions when
 * it is a string, or the string values of an expected object or array
 * (`{ code, message }` in `t.rejects`), with the number of times each string
 * appears in the file (a string the test also sends is an input it gets back).
 */
export function expectedStrings(source: string, fileName = 'test.ts'): { text: string; line: number; uses: number }[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const uses = new Map<string, number>();
  const expected: { text: string; line: number }[] = [];
  const collect = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      expected.push({ text: node.text, line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1 });
    } else if (ts.isObjectLiteralExpression(node)) {
      for (const property of node.properties) if (ts.isPropertyAssignment(property)) collect(property.initializer);
    } else if (ts.isArrayLiteralExpression(node)) {
      for (const element of node.elements) collect(element);
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) uses.set(node.text, (uses.get(node.text) ?? 0) + 1);
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ASSERTIONS.has(node.expression.name.text) && node.arguments[1] !== undefined) {
      collect(node.arguments[1]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return expected.map((item) => ({ ...item, uses: uses.get(item.text)! }));
}

/** The names a page writes in backticks, outside code blocks and hints, with their 1-based lines. */
export function pageNames(page: string): { name: string; line: number }[] {
  const names: { name: string; line: number }[] = [];
  let fenced = false;
  let hints = false;
  page.split('\n').forEach((text, index) => {
    if (/^```/.test(text)) fenced = !fenced;
    if (/^## /.test(text)) hints = /^## Hints\b/.test(text);
    if (fenced || hints) return;
    for (const span of text.matchAll(/`([^`]+)`/g)) {
      const path = /^(?:new\s+)?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(?:\(|<|$)/.exec(span[1]!.trim());
      if (path === null) continue;
      for (const name of path[1]!.split('.')) if (!names.some((seen) => seen.name === name && seen.line === index + 1)) names.push({ name, line: index + 1 });
    }
  });
  return names;
}

function hasWord(text: string, word: string): boolean {
  return new RegExp(`(?<![\\w$])${word.replace(/\$/g, '\\$')}(?![\\w$])`).test(text);
}

/** Whether a page states a produced text: verbatim, or once its backticks are dropped. */
function states(page: string, text: string): boolean {
  return page.includes(text) || page.replace(/`/g, '').includes(text);
}

/** Every hidden requirement of the course, as `file:line: sentence`. */
export async function hiddenRequirements(course: Course): Promise<string[]> {
  const code = await codeIndex(course);
  const pages = new Map<number, string>();
  for (const task of course.tasks) pages.set(task.id, (await readFile(join(course.root, docPage(task)), 'utf8').catch(() => '')));
  const problems: string[] = [];
  for (const task of course.tasks) {
    const test = await readFile(join(course.root, testFile(task)), 'utf8').catch(() => null);
    if (test === null) continue;
    const reported = new Set<string>();
    // a name or message the test expects that nothing up to its page states (the page's own messages and codes page-sync reports)
    const ownChecks = new Set(checkedTexts(test).filter((checked) => checked.kind === 'string').map((checked) => checked.text));
    for (const { text, line, uses } of expectedStrings(test, testFile(task))) {
      // an email is data (an input, or what a rule the page states makes of one), not a name to guess
      if (uses > 1 || text.length < 3 || !/[a-z]/i.test(text) || text.includes('@') || ownChecks.has(text) || code.given.includes(text)) continue;
      if (course.tasks.some((other) => other.id <= task.id && states(pages.get(other.id)!, text)) || reported.has(text)) continue;
      reported.add(text);
      problems.push(`${testFile(task)}:${line}: task ${taskNumber(task)}'s test expects ${JSON.stringify(text)}, which neither ${docPage(task)} nor an earlier page states, nor any given code holds`);
    }
    for (const compared of comparedTexts(test, testFile(task))) {
      for (const made of code.produced) {
        if (made.task > task.id) continue;
        // the part both share: the solution's text inside what the test checks, or what the test checks inside a longer message
        const shared = compared.text.includes(made.text) ? made.text : compared.text.length >= MIN_PRODUCED + 4 && made.text.includes(compared.text) ? compared.text : null;
        if (shared === null || code.given.includes(shared)) continue;
        const producer = course.tasks.find((other) => other.id === made.task)!;
        const stated = course.tasks.some((other) => other.id <= made.task && states(pages.get(other.id)!, shared));
        const key = `${compared.line}\0${shared}`;
        if (stated || reported.has(key)) continue;
        reported.add(key);
        const whose = made.task === task.id ? 'its own solution' : `task ${taskNumber(producer)}'s solution`;
        problems.push(
          `${testFile(task)}:${compared.line}: task ${taskNumber(task)}'s test checks ${compared.shown}, in which ${JSON.stringify(shared)} comes from ${whose} (${made.file}:${made.line}); ${docPage(producer)} does not state it (nor does an earlier page or given code)`,
        );
      }
    }
  }
  for (const task of course.tasks) {
    const page = pages.get(task.id)!;
    const reported = new Set<string>();
    for (const { name, line } of pageNames(page)) {
      if (reported.has(name) || hasWord(code.given, name)) continue;
      const declarations = code.declared.filter((item) => item.name === name);
      const owners = [...new Set(declarations.map((item) => item.task))];
      if (owners.length === 0 || owners.includes(task.id)) continue;
      if (owners.some((owner) => owner < task.id && pageNames(pages.get(owner)!).some((named) => named.name === name))) continue;
      reported.add(name);
      const first = declarations[0]!;
      problems.push(
        `${docPage(task)}:${line}: the page names \`${name}\`, which exists only in the reference answer of task ${owners.map((owner) => String(owner).padStart(2, '0')).join(', task ')} (${first.file}:${first.line}): not given code, and no earlier page asks the learner to write it`,
      );
    }
  }
  return problems;
}
