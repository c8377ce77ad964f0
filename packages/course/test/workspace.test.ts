import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { check } from '../src/check.ts';
import type { Task } from '../src/manifest.ts';
import { createWorkspace, isWorkspace } from '../src/workspace.ts';
import { learnerReadme } from '../src/workspace-readme.ts';
import { M, fixtureTasks, linkTools, makeFixture, recorder } from './fixtures/course.ts';

const run = promisify(execFile);

async function target(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hallpass-learner-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test('course new writes the course with every task stubbed, and it type-checks', async (t) => {
  const course = await makeFixture(t, { files: { 'packages/course/wrong-answers/task-00.ts': 'export default [];\n' } });
  const parent = await target(t);
  const io = recorder(parent);
  const dir = await createWorkspace(course, 'learn', io);
  await t.rejects(readFile(join(dir, 'packages/course/wrong-answers/task-00.ts')), { code: 'ENOENT' }, 'the authoring notes stay in the course');
  t.notMatch(await readFile(join(dir, '.course/reference.dat'), 'utf8'), 'return a + b', 'the reference solutions are not there in clear');
  t.equal(dir, join(parent, 'learn'));
  t.match(io.out(), /Learner workspace written to .*learn: 3 tasks to do\.\n\nNext:\n {2}cd learn\n {2}pnpm install\n/);

  const math = await readFile(join(dir, 'packages/demo/src/math.ts'), 'utf8');
  t.notMatch(math, 'return a + b + state.offset;', 'no solution line is left');
  t.notMatch(math, 'return add(a, a);');
  t.match(math, `  ${M.region('00')}\n  throw new Error('task 00 is not done yet: write add');\n  ${M.end}`, 'the stub, between its markers');
  t.notMatch(await readFile(join(dir, 'packages/demo/src/greet.ts'), 'utf8'), 'Hello, ${name}');
  const readme = await readFile(join(dir, 'README.md'), 'utf8');
  t.notMatch(readme, 'A marker example', "the course's own README is not the workspace's");
  t.match(readme, /^# hallpass — your workspace\n\nThis is your own copy of the hallpass course\.[^#]*3 tasks/, 'it says what the workspace is');
  t.match(readme, '```sh\npnpm install\npnpm course verify ', 'the first commands');
  t.match(readme, 'Start with task 00: `docs/tasks/00-add.md`.');
  t.match(readme, '- `docs/tasks/hints/`: the hints of each task; `pnpm course hint N`');
  t.match(readme, '  - `packages/demo/`: tasks 00–02\n');
  t.match(readme, /The tests in this workspace are the task tests/);
  t.match(readme, 'pnpm grade --task 0 ', "one task's tests");
  t.match(readme, '`cd packages/demo && npx tap test/task-00-add.test.ts`');
  t.equal(await readFile(join(dir, 'packages/README.md'), 'utf8'), await readFile(join(course.root, 'packages/README.md'), 'utf8'), 'other docs are copied as they are');
  t.ok(await readFile(join(dir, 'docs/tasks/00-add.md'), 'utf8'));
  t.equal(await readFile(join(dir, 'docs/tasks/hints/00-add.md'), 'utf8'), await readFile(join(course.root, 'docs/tasks/hints/00-add.md'), 'utf8'), 'the hint files come along, for `course hint`');
  t.ok(await isWorkspace(dir));
  t.equal(await readFile(join(dir, '.course/.gitignore'), 'utf8'), 'results.json\nstate.json\n');
  const { stdout: log } = await run('git', ['log', '--oneline'], { cwd: dir });
  t.match(log, /Start the hallpass course/, 'a git repository with one commit');

  await linkTools(dir);
  await t.resolves(run(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir }), 'the stubbed tree type-checks');

  await t.rejects(createWorkspace(course, 'learn', io), { name: 'CourseError', message: /learn is not empty/ }, 'refuses a non-empty folder');
  await t.rejects(createWorkspace({ ...course, root: dir }, join(parent, 'again'), io), { message: /already a learner workspace/ });
  await t.rejects(check({ ...course, root: dir }, io), { message: /this is a learner workspace/ });
  await writeFile(join(parent, 'a-file'), '');
  await t.rejects(createWorkspace(course, 'a-file', io), { message: /cannot use .*a-file: ENOTDIR/ });
});

t.test('course new --no-git, into an existing empty folder, from a copy without git', async (t) => {
  const course = await makeFixture(t);
  const dir = await target(t);
  await mkdir(join(dir, 'empty'));
  const io = recorder(dir);
  await createWorkspace(course, join(dir, 'empty'), io, { git: false });
  await t.rejects(run('git', ['log'], { cwd: join(dir, 'empty') }));
  t.match(io.out(), /cd empty/);
  const same = recorder(join(dir, 'empty'));
  await rm(join(dir, 'empty'), { recursive: true });
  await mkdir(join(dir, 'empty'));
  await createWorkspace(course, '.', same, { git: false });
  t.match(same.out(), / {2}cd \.\n/);
  const elsewhere = recorder(course.root);
  await createWorkspace(course, join(dir, 'far'), elsewhere, { git: false });
  t.match(elsewhere.out(), `  cd ${join(dir, 'far')}\n`, 'a folder outside the current one is shown in full');
});

t.test("course new leaves out every test file that is no task's test, and lets tap's coverage be incomplete", async (t) => {
  const course = await makeFixture(t, {
    files: {
      'packages/demo/package.json': `${JSON.stringify({ name: '@fixture/demo', private: true, type: 'module', scripts: { test: 'tap' }, tap: { timeout: 900 } }, null, 2)}\n`,
      'packages/demo/test/bad-input.test.ts': "import t from 'tap';\nt.fail('an author-only test the pages never state');\n",
      'packages/demo/test/deeper/soak.test.ts': "import t from 'tap';\nt.fail('another one, in a folder');\n",
      'packages/demo/test/fixtures/helper.ts': 'export const helper = 1;\n',
      'packages/course/package.json': `${JSON.stringify({ name: '@fixture/course', private: true, scripts: { test: 'tap', course: 'node bin/course.mjs' } }, null, 2)}\n`,
      'packages/course/test/tools.test.ts': "import t from 'tap';\nt.pass('a test of the tools');\n",
    },
  });
  const dir = await createWorkspace(course, join(await target(t), 'learn'), recorder(), { git: false });
  const present = (file: string): Promise<boolean> => readFile(join(dir, file)).then(() => true, () => false);
  t.notOk(await present('packages/demo/test/bad-input.test.ts'), 'an author-only test is left out');
  t.notOk(await present('packages/demo/test/deeper/soak.test.ts'), 'in a sub-folder too');
  t.notOk(await present('packages/course/test/tools.test.ts'), "the tools' own tests too");
  for (const file of ['packages/demo/test/task-00-add.test.ts', 'packages/demo/test/task-02-greet.test.ts', 'packages/demo/test/fixtures/helper.ts']) {
    t.ok(await present(file), `${file} is there: a task's test, or test support`);
  }
  const demo = JSON.parse(await readFile(join(dir, 'packages/demo/package.json'), 'utf8'));
  t.same(demo.tap, { timeout: 900, 'allow-incomplete-coverage': true }, "the package's tap settings allow incomplete coverage");
  const tools = JSON.parse(await readFile(join(dir, 'packages/course/package.json'), 'utf8'));
  t.same(tools.scripts, { course: 'node bin/course.mjs' }, 'the tools keep their commands but lose `test`: tap fails where it finds no test file');
  const { changesOutsideRegions } = await import('../src/tamper.ts');
  t.same(await changesOutsideRegions(course, dir), [], 'the grader knows the workspace starts this way: nothing counts as changed or deleted');
});

t.test("the workspace README lists each package's tasks as ranges", async (t) => {
  const task = fixtureTasks[0]!;
  const tasks = [0, 1, 3, 4, 5, 7].map((id) => ({ ...task, id, package: (id === 7 ? 'other' : 'demo') as Task['package'] }));
  const readme = learnerReadme({ root: '/nowhere', tasks });
  t.match(readme, '  - `packages/demo/`: tasks 00, 01, 03–05\n  - `packages/other/`: task 07\n');
  t.match(readme, 'pnpm grade --task 3 ', 'task 3 is the example when there is one');
  const empty = learnerReadme({ root: '/nowhere', tasks: [] });
  t.match(empty, '0 tasks');
  t.notMatch(empty, /Start with|--task|npx tap/, 'no task to name');
});
