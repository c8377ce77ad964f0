import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { defaultCourse } from '../src/course.ts';
import { INDEX_PAGE, docsProblems, taskIndex, writeTaskIndex } from '../src/docs.ts';
import { hintFile, hintProblems } from '../src/hints.ts';
import { docPage } from '../src/manifest.ts';
import { makeFixture } from './fixtures/course.ts';

t.test('the index lists every task of the manifest with its page and test file', async (t) => {
  const course = await makeFixture(t);
  const text = taskIndex(course.tasks);
  t.match(text, /^# The tasks\n/);
  t.match(text, '| 01 | [double a number](01-double.md) | `demo` | [`test/task-01-double.test.ts`](../../packages/demo/test/task-01-double.test.ts) | `double` in math.py |');
  t.match(text, 'pnpm course docs');
  t.same(await docsProblems(course), [`${INDEX_PAGE} is not current: run \`pnpm course docs\``]);
  t.equal(await writeTaskIndex(course), true);
  t.equal(await readFile(join(course.root, INDEX_PAGE), 'utf8'), text);
  t.equal(await writeTaskIndex(course), false, 'already current');
  t.same(await docsProblems(course), [], 'the index is current and every page says what the manifest says');
  const page = join(course.root, 'docs/tasks/01-double.md');
  await writeFile(page, (await readFile(page, 'utf8')).replace('about 5 minutes', 'about 9 minutes').replace('- practise', '- rest'));
  t.same(await docsProblems(course), [
    'task 01: the learning objectives of docs/tasks/01-double.md are not the manifest\'s ("practise")',
    'task 01: docs/tasks/01-double.md must say "**Time:** about 5 minutes", as the manifest does',
  ], 'a page out of step with the manifest is named, as course check and docs --check report it');
  await rm(page);
  t.same(await docsProblems(course), ['task 01 has no page: docs/tasks/01-double.md is missing']);
});

t.test("this repository's index is current", async (t) => {
  const course = defaultCourse();
  t.equal(await readFile(join(course.root, INDEX_PAGE), 'utf8'), taskIndex(course.tasks), 'run `pnpm course docs` after changing the manifest');
});

t.test('the docs check finds hints left in a page, a page that does not send to `course hint`, and hint files missing, empty or out of order', async (t) => {
  const course = await makeFixture(t);
  await writeTaskIndex(course);
  t.same(await docsProblems(course), []);
  await writeFile(join(course.root, 'docs/tasks/00-add.md'), '# Task 00\n\n**Time:** about 5 minutes\n\n## Learning objectives\n\n- practise\n\n## Hints\n\n<details><summary>Hint 1</summary>\n\nUse `+`.\n\n</details>\n');
  await writeFile(join(course.root, 'docs/tasks/hints/01-double.md'), '# Task 01: hints\n\n## Hint 1\n\n## Hint 3: later\n\nCall `add`.\n');
  await rm(join(course.root, 'docs/tasks/hints/02-greet.md'));
  t.same(await docsProblems(course), [
    'task 00: docs/tasks/00-add.md holds a <details> block: hints go in docs/tasks/hints/00-add.md',
    'task 00: docs/tasks/00-add.md does not say `pnpm course hint 0`',
    'task 01: docs/tasks/hints/01-double.md: hint 1 has no text',
    'task 01: docs/tasks/hints/01-double.md: "## Hint 3: later" should be "## Hint 2"',
    'task 02: no hints: docs/tasks/hints/02-greet.md is missing',
  ]);
  await writeFile(join(course.root, 'docs/tasks/hints/02-greet.md'), '# Task 02: hints\n\nRead the test.\n');
  t.same((await docsProblems(course)).filter((problem) => problem.startsWith('task 02')), ['task 02: docs/tasks/hints/02-greet.md has no "## Hint 1" section'], 'a hint file needs at least one hint');
});

t.test("every page of this repository sends to its hints, and every hint file has hints", async (t) => {
  const course = defaultCourse();
  for (const task of course.tasks) {
    t.equal(hintFile(task), docPage(task).replace('docs/tasks/', 'docs/tasks/hints/'));
    t.same(await hintProblems(course, task, await readFile(join(course.root, docPage(task)), 'utf8')), [], hintFile(task));
  }
});
