/**
 * The learner loop's feedback: the current task's verdict comes before any
 * re-check of earlier tasks, an edit to comments or white space runs nothing,
 * and a type error fails a task like a failing assertion.
 */
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Course } from '../src/course.ts';
import type { Task } from '../src/manifest.ts';
import { verify, watch } from '../src/learner.ts';
import type { TaskResult } from '../src/runner.ts';
import { createWorkspace } from '../src/workspace.ts';
import { fixtureTasks, linkTools, makeFixture, recorder } from './fixtures/course.ts';

const MATH = 'packages/demo/src/math.ts';
const ADD_STUB = "throw new Error('task 00 is not done yet: write add');";

async function workspace(t: Parameters<typeof makeFixture>[0]): Promise<Course> {
  const course = await makeFixture(t);
  const dir = await mkdtemp(join(tmpdir(), 'hallpass-loop-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await createWorkspace(course, dir, recorder(), { git: false });
  await linkTools(dir);
  return { root: dir, tasks: fixtureTasks };
}

async function edit(course: Course, file: string, from: string, to: string): Promise<void> {
  const text = await readFile(join(course.root, file), 'utf8');
  if (!text.includes(from)) throw new Error(`no "${from}" in ${file}`);
  await writeFile(join(course.root, file), text.replace(from, to));
}

t.test('a change to comments or white space runs nothing; a change in a string or in code does', async (t) => {
  const course = await makeFixture(t);
  let io = recorder();
  await verify(course, io);
  t.match(io.out(), /All 3 tasks pass/);

  await edit(course, MATH, 'export function add', '// a comment a learner adds\n/* and another */ export function add');
  io = recorder();
  await verify(course, io);
  t.equal(io.out(), '✓ 3 tasks unchanged since they passed (00–02)\n3/3 ▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓\n\nAll 3 tasks pass: the course is complete.\n', 'a comment: every result holds, no test runs');

  await edit(course, 'packages/demo/src/greet.ts', '  return `Hello', '\n\n        return `Hello');
  io = recorder();
  await verify(course, io);
  t.match(io.out(), /^✓ 3 tasks unchanged since they passed \(00–02\)\n3\/3 /, 'white space: no test runs');

  await edit(course, MATH, 'return a + b + state.offset;', 'return b + a + state.offset;');
  io = recorder();
  await verify(course, io);
  t.match(io.out(), /^re-checking 3 earlier tasks whose code changed…\n✓ all still pass \(00–02\)/, 'code: the tasks are checked again');

  await edit(course, 'packages/demo/src/greet.ts', 'Hello, ${name}!', 'Hello,  ${name}!');
  io = recorder();
  await verify(course, io);
  t.match(io.out(), /Task 02 passed before and fails now:\n✗ Task 02: greet someone/, 'a string: its task runs again, and fails');
});

t.test('a task whose files do not type-check fails, the error shown as its failing assertion', async (t) => {
  const course = await workspace(t);
  await edit(course, MATH, ADD_STUB, 'const id: number = String(a);\n  void id;\n  return a + b + state.offset;');
  let io = recorder();
  await verify(course, io);
  t.match(io.out(), /✗ Task 00: add two numbers {2}\(packages\/demo\)\n {2}2 of 2 tests pass\n[^\n]*\n {2}failing: packages\/demo\/src\/math\.ts:5:9 - error TS2322: Type 'string' is not assignable to type 'number'\.\n {11}at packages\/demo\/src\/math\.ts:5\n/, 'the tests pass, the task does not');
  t.notMatch(io.out(), /✓ 00/);

  await edit(course, MATH, 'const id: number = String(a);', 'const id: string = String(a);');
  io = recorder();
  await verify(course, io);
  t.match(io.out(), /^✓ 00 add two numbers\n[\s\S]*✗ Task 01/, 'fixed: the task passes');

  await rm(join(course.root, 'tsconfig.json'));
  await edit(course, MATH, 'const id: string = String(a);', 'const id: number = String(a);');
  io = recorder();
  await verify(course, io);
  t.match(io.out(), /re-checking 1 earlier task whose code changed…\n✓ all still pass \(00\)/, 'without a tsconfig.json, types are not checked');
});

t.test("while a passing task is type-checked the next task's tests run: once, and only their wanted verdict is kept", async (t) => {
  const course = await workspace(t);
  const runs = join(course.root, 'runs.log');
  await edit(course, 'packages/demo/test/task-01-double.test.ts', "import t from 'tap';", `import t from 'tap';\nimport { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(runs)}, 'ran\\n');`);
  const results = async (): Promise<Record<string, unknown>> => JSON.parse(await readFile(join(course.root, '.course/results.json'), 'utf8')) as Record<string, unknown>;

  await edit(course, MATH, ADD_STUB, 'const id: number = String(a);\n  void id;\n  return a + b + state.offset;');
  let io = recorder();
  await verify(course, io);
  t.match(io.out(), /✗ Task 00: add two numbers/, 'task 00 fails on its type error');
  t.notOk('1' in (await results()), "task 01's run ahead is dropped: the verdict stopped at task 00");

  await edit(course, MATH, 'const id: number = String(a);', 'const id: string = String(a);');
  await rm(runs, { force: true });
  io = recorder();
  await verify(course, io);
  t.match(io.out(), /^✓ 00 add two numbers\n[\s\S]*✗ Task 01: double a number/, "task 00 passes, task 01's verdict follows");
  t.equal(await readFile(runs, 'utf8'), 'ran\n', "task 01's tests ran once: the run started ahead gave its verdict");
  t.match(await results(), { 1: { status: 'fail' } }, "and its result is kept");
});

t.test('no run ahead past tasks whose results still hold, nor past one that still fails', async (t) => {
  // tasks 01 and 02 in a package of their own, which does not depend on task 00's: their results outlive a change there
  const fixture = await makeFixture(t, {
    files: {
      'packages/other/package.json': JSON.stringify({ name: '@fixture/other', private: true, type: 'module' }),
      'packages/other/src/words.ts': "export const hello = 'hello';\n",
      'packages/other/test/task-01-hello.test.ts': "import t from 'tap';\nimport { hello } from '../src/words.ts';\nt.test('hello', async (t) => t.equal(hello, 'hello'));\n",
      'packages/other/test/task-02-bye.test.ts': "import t from 'tap';\nt.test('bye', async (t) => t.fail('not written yet'));\n",
    },
  });
  await mkdir(join(fixture.root, 'packages/other/node_modules'), { recursive: true });
  await symlink(await realpath(join(fixture.root, 'packages/demo/node_modules/tap')), join(fixture.root, 'packages/other/node_modules/tap'));
  const other = 'other' as Task['package'];
  const course: Course = { root: fixture.root, tasks: [fixtureTasks[0]!, { ...fixtureTasks[1]!, slug: 'hello', package: other }, { ...fixtureTasks[2]!, slug: 'bye', package: other }] };
  const ADD_TEST = 'packages/demo/test/task-00-add.test.ts';
  let io = recorder();
  await verify(course, io);
  t.match(io.out(), /✓ 00[\s\S]*✓ 01[\s\S]*✗ Task 02/, 'task 02 fails; 00 and 01 pass');

  const original = await readFile(join(course.root, ADD_TEST), 'utf8');
  await writeFile(join(course.root, ADD_TEST), `${original}t.test('broken on purpose', async (t) => t.fail('broken'));\n`);
  io = recorder();
  await verify(course, io);
  t.match(io.out(), /Task 00 passed before and fails now/);

  // task 00 runs and passes; after it, 01's result holds (a pass) and so does 02's (a failure): nothing runs ahead
  await writeFile(join(course.root, ADD_TEST), original);
  io = recorder();
  await verify(course, io);
  t.match(io.out(), /^✓ 00 add two numbers\n[\s\S]*✗ Task 02: greet someone/, "task 00 passes; task 02's result, still current, is the verdict");
});

t.test('watch gives the verdict first and re-checks earlier tasks after it, in the background', async (t) => {
  const course = await workspace(t);
  await edit(course, MATH, ADD_STUB, 'return a + b + state.offset;');
  await verify(course, recorder()); // task 00 passes; task 01 is to do
  await edit(course, MATH, 'return a + b + state.offset;', 'return b + a + state.offset;');

  const io = recorder();
  const stop = new AbortController();
  let atVerdict = '';
  let watching: Promise<number> = Promise.resolve(0);
  const rechecked = new Promise<TaskResult | null>((resolve) => {
    watching = watch(course, io, stop.signal, {
      onRun: () => (atVerdict = io.out()),
      onRecheck: resolve,
    });
  });
  const failing = await rechecked;
  t.equal(failing?.task.id, 1, 'task 01 is still the one to work on');
  t.match(atVerdict, /✗ Task 01: double a number/, "task 01's verdict is given first");
  t.notMatch(atVerdict, /re-checking|✓ all still pass/, 'before task 00 is re-checked');
  t.match(io.out().slice(atVerdict.length), /^re-checking 1 earlier task whose code changed…\n✓ all still pass \(00\)\n1\/3 [^\n]*\nwatching packages\//);
  stop.abort();
  t.equal(await watching, 0);
});
