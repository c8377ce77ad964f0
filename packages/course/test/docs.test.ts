import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { defaultCourse } from '../src/course.ts';
import { INDEX_PAGE, docsProblems, taskIndex, writeTaskIndex } from '../src/docs.ts';
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
  await rm(join(course.root, 'docs/tasks/01-double.md'));
  t.same(await docsProblems(course), ['task 01 has no page: docs/tasks/01-double.md is missing']);
});

t.test("this repository's index is current", async (t) => {
  const course = defaultCourse();
  t.equal(await readFile(join(course.root, INDEX_PAGE), 'utf8'), taskIndex(course.tasks), 'run `pnpm course docs` after changing the manifest');
});
