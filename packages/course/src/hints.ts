/**
 * A task's hints live in a file of their own, `docs/tasks/hints/NN-slug.md`,
 * out of the learner's sight until asked for: one `## Hint N` section per hint,
 * in order (`## Hint N: a title` names it). The task's page only says to run
 * `pnpm course hint N`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CourseError, type Course } from './course.ts';
import { docPage, taskNumber, type Task } from './manifest.ts';

/** One hint: its title (may be empty) and its text. */
export interface Hint {
  title: string;
  text: string;
}

/** Where a task's hints are: beside its page, in `hints/`. */
export function hintFile(task: Task): string {
  return docPage(task).replace(/^docs\/tasks\//, 'docs/tasks/hints/');
}

/** The hints of a hint file's text: each `## Hint N[: title]` section, in order; what comes before the first is not a hint. */
export function parseHints(text: string): Hint[] {
  return text
    .split(/^## /m)
    .slice(1)
    .map((section) => {
      const newline = section.indexOf('\n');
      const heading = (newline === -1 ? section : section.slice(0, newline)).trim();
      const body = newline === -1 ? '' : section.slice(newline + 1);
      return { title: heading.replace(/^Hint \d+\s*:?\s*/, ''), text: body.replace(/<!--[\s\S]*?-->/g, '').trim() };
    });
}

/** A task's hints, from its hint file. */
export async function readHints(course: Course, task: Task): Promise<Hint[]> {
  const text = await readFile(join(course.root, hintFile(task)), 'utf8').catch(() => null);
  if (text === null) throw new CourseError(`task ${taskNumber(task)} has no hints: ${hintFile(task)} is missing`);
  const hints = parseHints(text);
  if (hints.length === 0) throw new CourseError(`${hintFile(task)} has no "## Hint" section`);
  return hints;
}

/**
 * What is wrong with a task's hints: a missing or empty hint file, a hint
 * without text or headed out of order, a page that still holds hints in
 * `<details>` blocks or does not say `pnpm course hint N`.
 */
export async function hintProblems(course: Course, task: Task, page: string): Promise<string[]> {
  const id = `task ${taskNumber(task)}`;
  const problems: string[] = [];
  if (/<details>/i.test(page)) problems.push(`${id}: ${docPage(task)} holds a <details> block: hints go in ${hintFile(task)}`);
  if (!page.includes(`pnpm course hint ${task.id}`)) problems.push(`${id}: ${docPage(task)} does not say \`pnpm course hint ${task.id}\``);
  const text = await readFile(join(course.root, hintFile(task)), 'utf8').catch(() => null);
  if (text === null) return [...problems, `${id}: no hints: ${hintFile(task)} is missing`];
  const hints = parseHints(text);
  if (hints.length === 0) problems.push(`${id}: ${hintFile(task)} has no "## Hint 1" section`);
  const headings = [...text.matchAll(/^## (.*)$/gm)].map((match) => match[1]!);
  headings.forEach((heading, index) => {
    if (!new RegExp(`^Hint ${index + 1}(:|$)`).test(heading)) problems.push(`${id}: ${hintFile(task)}: "## ${heading}" should be "## Hint ${index + 1}"`);
    else if (hints[index]!.text === '') problems.push(`${id}: ${hintFile(task)}: hint ${index + 1} has no text`);
  });
  return problems;
}
