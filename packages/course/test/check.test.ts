import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import t from 'tap';
import { batches, check } from '../src/check.ts';
import { writeTaskIndex } from '../src/docs.ts';
import { M, fixtureTasks, makeFixture, recorder } from './fixtures/course.ts';

const run = promisify(execFile);

t.test('check passes on a well staged course and prints a row per task', async (t) => {
  const course = await makeFixture(t);
  await writeTaskIndex(course);
  // git tracks the course's files: the check copies what git lists
  await run('git', ['init', '-q'], { cwd: course.root });
  const io = recorder(course.root);
  // types are checked in the next test, which sees a tree fail and pass type-checking
  t.equal(await check(course, io, { keep: false, jobs: 2, typecheck: false }), 0, io.err());
  const out = io.out();
  t.match(out, /^staging check of 3 tasks in .*hallpass-check-/);
  t.match(out, /00 {2}add two numbers\s+fails 0\/2\s+passes 2\/2\s+unaffected/);
  t.match(out, / {4}stub: add adds › task 00 is not done yet: write add\n/);
  t.match(out, /01 {2}double a number\s+fails 0\/1\s+passes 1\/1\s+unaffected; 1 unreached/, "task 00's test loads math.ts but never calls double, whose body is all that changed");
  t.match(out, /02 {2}greet someone\s+fails 0\/0\s+passes 1\/1\s+1 re-run, pass/, 'task 01 loads nothing task 02 changed: it is not re-run');
  t.match(out, / {4}stub: the test file exited with code 1 before any test ran: .*Error: task 02 is not done yet: write greet, .{1,20}…\n/);
  t.match(out, /test files: 7 runs, 1 of them earlier tasks re-run; 1 more earlier tasks loaded a changed file but never ran the change\n/);
  t.match(out, /CPU: \d+\.\ds in test processes, \d+\.\ds in this one\n/);
  t.notMatch(out, /type checks/, 'types not checked: no figure for them');
  t.match(out, /staging OK/);
});

t.test('check names the task that breaks the staging', async (t) => {
  const course = await makeFixture(t, { passingStub: true, breakingSolution: true, typeError: true });
  const io = recorder(course.root);
  t.equal(await check(course, io, { keep: true }), 1);
  const err = io.err();
  t.match(err, /STAGING BROKEN \(\d+ problems\)/);
  t.match(err, /docs\/tasks\/README\.md is not current: run `pnpm course docs`/);
  t.match(err, /task 01: its tests pass with its stub \(with tasks ≤ 00 solved\)/);
  t.match(err, /task 02: solving it breaks task 00's tests \(with tasks ≤ 02 solved\): add adds › should be equal/);
  t.match(io.out(), /01 {2}double a number .* \d+\.\ds \(types \d+\.\ds\)\n/, 'each step says how long its type check took');
  t.match(io.out(), /CPU: \d+\.\ds in test processes, \d+\.\ds in this one \(its type checker included\)\n {2}type checks, each while the step's tests ran: \d+\.\ds for the whole tree, then \d+\.\ds a step on average\n/);
  t.match(err, /task 01: the tree with tasks ≤ 01 solved does not type-check:\n.*greet\.ts.*notDefinedAnywhere[\s\S]*\(11 lines from tsc; at most 10 shown\)\n/);
  t.notMatch(err, /task 02: the tree with tasks ≤ 02 solved does not type-check/, 'once task 02 is solved, the tree type-checks');
  const kept = /staged tree kept in (.*)\n/.exec(err);
  t.ok(kept, 'the staged tree is kept and named');
  await rm(kept![1]!, { recursive: true, force: true });
  t.match(io.out(), /01 {2}double a number\s+PASSES 1\/1/);
});

t.test('check reports tasks without a test file or a region, and can skip type-checking', async (t) => {
  // task 01's view.tsx: a change to a file that is not plain code re-runs the earlier tasks of its package
  const view = [M.region('01'), 'export const view = 1;', M.stub, '// export const view = 0;', M.end, ''].join('\n');
  // task 01's layout.tsx, outside the packages: every package may see it, so every earlier task is re-run
  const layout = [M.region('01'), 'export const layout = 1;', M.stub, '// export const layout = 0;', M.end, ''].join('\n');
  const course = await makeFixture(t, { missingTest: true, files: { 'packages/demo/src/greet.ts': 'export const greet = (name: string) => name;\n', 'scripts/version.ts': '', 'packages/demo/src/view.tsx': view, 'scripts/layout.tsx': layout } });
  await writeTaskIndex(course);
  const io = recorder(course.root);
  t.equal(await check(course, io, { typecheck: false }), 1);
  t.match(io.out(), /\(types not checked\)/);
  t.match(io.out(), /01 {2}double a number\s+fails 0\/1\s+passes 1\/1\s+1 re-run, pass/, 'task 00 is re-run: view.tsx and layout.tsx changed');
  t.match(io.out(), /02 {2}greet someone\s+no test file\s+no test file/);
  t.match(io.err(), /task 02: no test file \(packages\/demo\/test\/task-02-greet\.test\.ts\)/);
  t.match(io.err(), /task 02: no `\/\/ #region task-02` in the sources/);
});

t.test('check re-runs an earlier task when neither task of the step loaded a file it ran, one test file at a time', async (t) => {
  // task 00's test loads extra.ts through index.ts; tasks 01 and 02 do not, so nothing shows the new code
  const extra = ['export function spare(a: number): number {', `  ${M.region('01')}`, '  return a;', `  ${M.stub}`, '  // return 0;', `  ${M.end}`, '}', ''].join('\n');
  const index = "export * from './math.ts';\nexport * from './greet.ts';\nexport * from './extra.ts';\n";
  const course = await makeFixture(t, { files: { 'packages/demo/src/extra.ts': extra, 'packages/demo/src/index.ts': index } });
  await writeTaskIndex(course);
  const io = recorder(course.root);
  t.equal(await check(course, io, { jobs: 1, typecheck: false }), 0, io.err());
  t.match(io.out(), /01 {2}double a number\s+fails 0\/1\s+passes 1\/1\s+1 re-run, pass {2,}\d/, 'task 00 ran only add, but the new extra.ts is not known');
});

t.test('a change that is not code, in a package no earlier task can see, re-runs none of them', async (t) => {
  // task 02's only region is in packages/other, which demo does not depend on
  const view = [M.region('02'), 'export const view = 1;', M.stub, '// export const view = 0;', M.end, ''].join('\n');
  const files = {
    'packages/demo/src/greet.ts': 'export const greet = (name: string): string => `Hello, ${name}!`;\n',
    'scripts/version.ts': '',
    'packages/other/package.json': JSON.stringify({ name: '@fixture/other', private: true, type: 'module' }),
    'packages/other/src/view.tsx': view,
  };
  const course = await makeFixture(t, { files });
  await writeTaskIndex(course);
  const io = recorder(course.root);
  await check(course, io, { typecheck: false });
  t.match(io.out(), /02 {2}greet someone\s+PASSES 1\/1\s+passes 1\/1\s+unaffected/);
});

t.test('earlier tasks re-run several to a process, and a file that fails there is run again alone', async (t) => {
  // Both files import greet.ts (through index.ts), whose top level task 02 changes: both re-run at its step.
  // Each fails when a file before it ran in the same process, so in a batch the second one fails.
  const alone = (name: string): string =>
    `import t from 'tap';\nimport { ${name} } from '../src/index.ts';\nconst mark = globalThis as { seen?: boolean };\nt.equal(mark.seen, undefined, 'first in its process');\nmark.seen = true;\nt.test('${name}', async (t) => { t.equal(${name}(1, 1), 2); });\n`;
  const course = await makeFixture(t, { files: { 'packages/demo/test/task-00-add.test.ts': alone('add'), 'packages/demo/test/task-01-double.test.ts': alone('double') } });
  await writeTaskIndex(course);
  const io = recorder(course.root);
  t.equal(await check(course, io, { jobs: 2, typecheck: false }), 0, io.err());
  t.match(io.out(), /02 {2}greet someone\s+fails 0\/0\s+passes 1\/1\s+2 re-run, pass/);
  t.match(io.out(), /earlier tasks re-run together: 1 process of several files each; 1 file failed in one and ran again alone\n/);

  const each = recorder(course.root);
  t.equal(await check(course, each, { jobs: 2, typecheck: false, batch: false }), 0, each.err());
  t.match(each.out(), /2 re-run, pass/);
  t.notMatch(each.out(), /re-run together/, 'without batches, each file has a process of its own');
});

t.test('re-runs are split by package into at most one batch a job, two files or more each, balanced by time', async (t) => {
  const task = (id: number, pkg: string) => ({ ...fixtureTasks[0]!, id, package: pkg as typeof fixtureTasks[0]['package'] });
  const ms = new Map([[1, 900], [2, 800], [3, 300], [4, 200], [5, 100], [6, 50], [7, 40]]);
  const tasks = [task(1, 'app'), task(2, 'app'), task(3, 'app'), task(4, 'app'), task(5, 'app'), task(6, 'auth'), task(7, 'db')];
  const split = batches(tasks, 2, (one) => ms.get(one.id)!);
  t.same(split.map((batch) => batch.map((one) => one.id)), [[1, 4, 5], [2, 3], [6], [7]], 'the longest batches first; a package with one task gets a batch of one');
  t.same(batches(tasks.slice(0, 3), 4, (one) => ms.get(one.id)!).map((batch) => batch.length), [3], 'three files make one batch: each holds two or more');
  t.same(batches([], 2, () => 0), []);
});
