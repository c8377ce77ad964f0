import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { defaultCourse } from '../src/course.ts';
import { INDEX_PAGE, docsProblems, hintList, taskIndex, writeTaskIndex } from '../src/docs.ts';
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

t.test('hintList: folded hints one by one, else the bullets, else the whole section', async (t) => {
  const course = await makeFixture(t);
  const [add, double, greet] = course.tasks;
  t.same(await hintList(course, add!), ['Use `+`.'], 'a bullet list');
  await writeFile(join(course.root, 'docs/tasks/01-double.md'), '# Task 01\n\n## Hints\n\n<details><summary>Hint 1</summary>\n\nCall `add`.\n\n</details>\n\n<details>\n<summary>Hint 2</summary>\n\nTwice the same\nnumber.\n</details>\n');
  t.same(await hintList(course, double!), ['Call `add`.', 'Twice the same\nnumber.'], 'folded blocks');
  await writeFile(join(course.root, 'docs/tasks/02-greet.md'), '# Task 02\n\n## Hints\n\nRead the test\nfirst.\n\n## Going further\n\n- not a hint\n');
  t.same(await hintList(course, greet!), ['Read the test\nfirst.'], 'plain text is one hint');
});
