/** The task index page, generated from the manifest, and the check of the docs. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Course } from './course.ts';
import { hintProblems } from './hints.ts';
import { docPage, taskNumber, testFile, type Task } from './manifest.ts';

/** Where the generated index lives, relative to the root. */
export const INDEX_PAGE = 'docs/tasks/README.md';

/** The index page's text: one row per task of the manifest. */
export function taskIndex(tasks: readonly Task[]): string {
  const rows = tasks.map((task) => {
    const page = docPage(task).replace('docs/tasks/', '');
    return `| ${taskNumber(task)} | [${task.title}](${page}) | \`${task.package}\` | [\`${testFile(task).replace(/^packages\/[^/]+\//, '')}\`](../../${testFile(task)}) | ${task.original} |`;
  });
  return [
    '# The tasks',
    '',
    '<!-- Generated from packages/course/src/manifest.ts by `pnpm course docs`: edit the manifest, not this page. -->',
    '',
    `The course's ${tasks.length} tasks, in the order you take them. Each page says what to`,
    'build, which test file checks it and what the Python original called it, and keeps',
    'its hints apart (`pnpm course hint N` prints them). How to work through them:',
    '[taking the course](../taking-the-course.md).',
    '',
    '| # | task | package | test file | Python original |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** Writes the index; says whether it changed. */
export async function writeTaskIndex(course: Course): Promise<boolean> {
  const path = join(course.root, INDEX_PAGE);
  const text = taskIndex(course.tasks);
  if ((await readFile(path, 'utf8').catch(() => null)) === text) return false;
  await writeFile(path, text);
  return true;
}

/** What is wrong with the docs: a stale index, task pages that do not exist, are out of step or leave requirements unstated, missing hints. */
export async function docsProblems(course: Course): Promise<string[]> {
  const problems: string[] = [];
  const current = await readFile(join(course.root, INDEX_PAGE), 'utf8').catch(() => null);
  if (current !== taskIndex(course.tasks)) problems.push(`${INDEX_PAGE} is not current: run \`pnpm course docs\``);
  // Loaded only here: reading the test files takes TypeScript's parser, which no other command needs.
  const { taskPageProblems } = await import('./page-sync.ts');
  for (const task of course.tasks) {
    const page = await readFile(join(course.root, docPage(task)), 'utf8').catch(() => null);
    if (page === null) problems.push(`task ${taskNumber(task)} has no page: ${docPage(task)} is missing`);
    else problems.push(...(await taskPageProblems(course, task)), ...(await hintProblems(course, task, page)));
  }
  // what a page leaves for a later test to demand, and the reference answers' names a page uses
  const { hiddenRequirements } = await import('./hidden.ts');
  problems.push(...(await hiddenRequirements(course)));
  return problems;
}
