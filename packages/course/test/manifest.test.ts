import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { docPage, findTask, regionId, tasks, testFile } from '@hallpass/course';

const root = fileURLToPath(new URL('../../../', import.meta.url));

t.test('the manifest lists the 21 course tasks in order, then the security track', async (t) => {
  const ids = tasks.map((task) => task.id);
  t.same(ids.slice(0, 21), Array.from({ length: 21 }, (_, i) => i));
  t.ok(ids.every((id, index) => index === 0 || id > ids[index - 1]!), `ids only increase: ${ids.join(', ')}`);
  t.equal(new Set(tasks.map((task) => task.slug)).size, tasks.length, 'slugs are unique');
  for (const task of tasks) t.match(task.slug, /^[a-z0-9]+(-[a-z0-9]+)*$/, `task ${task.id} slug is kebab-case`);
});

t.test('paths and marker ids follow the naming convention', async (t) => {
  const task = findTask(7);
  t.ok(task);
  t.equal(testFile(task!), 'packages/app/test/task-07-post-users.test.ts');
  t.equal(docPage(task!), 'docs/tasks/07-post-users.md');
  t.equal(regionId(task!), 'task-07');
  t.equal(findTask(99), undefined);
});

t.test('every task has its test file and its page', async (t) => {
  for (const task of tasks) {
    await t.resolves(access(root + testFile(task)), `${testFile(task)} exists for task ${task.id}`);
    await t.resolves(access(root + docPage(task)), `${docPage(task)} exists for task ${task.id}`);
  }
});
