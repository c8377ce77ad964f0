import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { grade, parseGradeArgs, selectTasks } from '../src/grade.ts';
import { runCommand } from '../src/cli.ts';
import { gradeUsage } from '../src/grade.ts';
import { makeFixture, recorder } from './fixtures/course.ts';

t.test('grade --json reports every selected task with its counts and first failure', async (t) => {
  const course = await makeFixture(t, { passingStub: false, files: { 'packages/demo/src/math.ts': "export const state = { offset: 0 };\nexport const add = (a: number, b: number) => a + b;\nexport const double = (a: number) => a;\n" } });
  const io = recorder(course.root);
  t.equal(await grade(['--json', '--task', '0,1'], course, io), 1, 'a failing task fails the run');
  const report = JSON.parse(io.out()) as unknown;
  t.same(report, {
    status: 'fail',
    tasks: [
      { id: 0, title: 'add two numbers', package: 'demo', status: 'pass', passed: 2, failed: 0, total: 2, message: null },
      { id: 1, title: 'double a number', package: 'demo', status: 'fail', passed: 0, failed: 1, total: 1, message: 'double doubles › four doubled is eight' },
    ],
  });
  t.match(io.err(), /grading 2 tasks…\n/);
  t.match(io.err(), /\[1\/2\] (pass|FAIL) /, 'progress while it runs');

  const file = recorder(course.root);
  t.equal(await grade(['--task=0', '--json', 'out/../result.json'], course, file), 0);
  t.match(file.out(), /id\s+task\s+package\s+result\s+tests\n00\s+add two numbers\s+demo\s+pass\s+2\/2\n\n1 of 1 task pass\n/);
  t.match(file.out(), `wrote ${join(course.root, 'result.json')}`);
  t.match(JSON.parse(await readFile(join(course.root, 'result.json'), 'utf8')), { status: 'pass', tasks: [{ id: 0 }] });
});

t.test('the scorecard shows each failure; a missing test file or a crash fails its task', async (t) => {
  const course = await makeFixture(t, { missingTest: true, files: { 'packages/demo/test/task-01-double.test.ts': "import t from 'tap';\nimport { nothing } from '../src/nowhere.ts';\nt.equal(nothing, 1);\n" } });
  const io = recorder(course.root);
  t.equal(await grade(['--package', '@hallpass/demo'], course, io), 1);
  t.match(io.out(), /00\s+add two numbers\s+demo\s+pass\s+2\/2/);
  t.match(io.out(), /01\s+double a number\s+demo\s+FAIL\s+0\/0/);
  t.match(io.out(), /01: the test file exited with code 1 before any test ran: Error: Cannot find module .*nowhere\.ts/);
  t.match(io.out(), /02: no test file: packages\/demo\/test\/task-02-greet\.test\.ts does not exist yet/);
  t.match(io.out(), /1 of 3 tasks pass/);
});

t.test('a package without tap installed fails its tasks with what to do', async (t) => {
  const course = await makeFixture(t);
  await rm(join(course.root, 'packages/demo/node_modules'), { recursive: true });
  const io = recorder(course.root);
  t.equal(await grade(['--task', '2', '--json'], course, io), 1);
  t.match(JSON.parse(io.out()), { tasks: [{ id: 2, status: 'fail', message: /tap is not installed in .*: run `pnpm install`/ }] });
});

t.test('arguments', async (t) => {
  t.same(parseGradeArgs([]), { tasks: [], packages: [], json: undefined, help: false });
  t.same(parseGradeArgs(['--', '-t', '3', '--task=4,5', '-p', 'db', '--package=@hallpass/app', '--json']), { tasks: [3, 4, 5], packages: ['db', 'app'], json: null, help: false });
  t.same(parseGradeArgs(['--json', '--task', '1']).json, null, '--json followed by a flag has no file');
  t.same(parseGradeArgs(['--json=']).json, null);
  t.same(parseGradeArgs(['--json=r.json']).json, 'r.json');
  t.same(parseGradeArgs(['-h']).help, true);
  t.throws(() => parseGradeArgs(['--task']), /--task needs a value/);
  t.throws(() => parseGradeArgs(['--task=']), /--task needs a value/);
  t.throws(() => parseGradeArgs(['--task', 'x']), /--task takes task numbers, got "x"/);
  t.throws(() => parseGradeArgs(['--verbose']), /unknown argument "--verbose"/);

  const course = await makeFixture(t);
  t.same(selectTasks(course, { tasks: [2, 0], packages: [] }).map((task) => task.id), [0, 2], 'manifest order');
  t.throws(() => selectTasks(course, { tasks: [9], packages: [] }), /no task 9 in the manifest \(tasks are 0–2\)/);
  t.throws(() => selectTasks(course, { tasks: [], packages: ['web'] }), /no task is in package "web" \(packages: demo\)/);
  t.throws(() => selectTasks({ ...course, tasks: [] }, { tasks: [], packages: [] }), /no task matches/);

  const help = recorder();
  t.equal(await grade(['--help'], course, help), 0);
  t.equal(help.out(), gradeUsage);
  const bad = recorder();
  t.equal(await runCommand((argv, { course, io }) => grade(argv, course, io), ['--bogus'], { course, io: bad }, gradeUsage), 2, 'usage errors exit 2');
  t.match(bad.err(), /^error: unknown argument "--bogus"\n\nusage: pnpm grade/);
});
