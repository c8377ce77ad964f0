import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import t from 'tap';
import type { Course } from '../src/course.ts';
import { grade, gradeReport, junitXml, parseGradeArgs, selectTasks } from '../src/grade.ts';
import { changesOutsideRegions } from '../src/tamper.ts';
import { createWorkspace } from '../src/workspace.ts';
import { runCommand } from '../src/cli.ts';
import { gradeUsage } from '../src/grade.ts';
import { fixtureTasks, linkTools, makeFixture, recorder } from './fixtures/course.ts';

t.test('grade --json reports every selected task with its counts and first failure', async (t) => {
  const course = await makeFixture(t, { passingStub: false, files: { 'packages/demo/src/math.ts': "export const state = { offset: 0 };\nexport const add = (a: number, b: number) => a + b;\nexport const double = (a: number) => a;\n" } });
  const io = recorder(course.root);
  t.equal(await grade(['--json', '--task', '0,1', '--no-typecheck'], course, io), 1, 'a failing task fails the run');
  const report = JSON.parse(io.out()) as unknown;
  t.same(report, {
    status: 'fail',
    points: { earned: 1, possible: 2 },
    allowSkips: false,
    tasks: [
      {
        id: 0, title: 'add two numbers', package: 'demo', status: 'pass', passed: 2, failed: 0, skipped: 0, total: 2, message: null, points: 1, earned: 1,
        tests: [{ name: 'add adds', status: 'pass', message: null }, { name: 'add adds negatives', status: 'pass', message: null }],
      },
      {
        id: 1, title: 'double a number', package: 'demo', status: 'fail', passed: 0, failed: 1, skipped: 0, total: 1, message: 'double doubles › four doubled is eight', points: 1, earned: 0,
        tests: [{ name: 'double doubles', status: 'fail', message: 'double doubles › four doubled is eight' }],
      },
    ],
  });
  t.match(io.err(), /grading 2 tasks…\n/);
  t.match(io.err(), /\[1\/2\] (pass|FAIL) /, 'progress while it runs');

  const file = recorder(course.root);
  t.equal(await grade(['--task=0', '--json', 'out/../result.json', '--no-typecheck'], course, file), 0);
  t.match(file.out(), /id\s+task\s+package\s+result\s+tests\s+points\n00\s+add two numbers\s+demo\s+pass\s+2\/2\s+1\/1\n\n1 of 1 task pass; 1 of 1 points\n/);
  t.match(file.out(), `wrote ${join(course.root, 'result.json')}`);
  t.match(JSON.parse(await readFile(join(course.root, 'result.json'), 'utf8')), { status: 'pass', tasks: [{ id: 0 }] });
});

t.test('the scorecard shows each failure; a missing test file or a crash fails its task', async (t) => {
  const course = await makeFixture(t, { missingTest: true, files: { 'packages/demo/test/task-01-double.test.ts': "import t from 'tap';\nimport { nothing } from '../src/nowhere.ts';\nt.equal(nothing, 1);\n" } });
  const io = recorder(course.root);
  t.equal(await grade(['--package', '@hallpass/demo', '--no-typecheck'], course, io), 1);
  t.match(io.out(), /00\s+add two numbers\s+demo\s+pass\s+2\/2/);
  t.match(io.out(), /01\s+double a number\s+demo\s+FAIL\s+0\/0/);
  t.match(io.out(), /01: the test file exited with code 1 before any test ran: Error.*Cannot find module .*nowhere\.ts/);
  t.match(io.out(), /02: no test file: packages\/demo\/test\/task-02-greet\.test\.ts does not exist yet/);
  t.match(io.out(), /1 of 3 tasks pass; 1 of 3 points/);
});

t.test('a package without tap installed fails its tasks with what to do', async (t) => {
  const course = await makeFixture(t);
  await rm(join(course.root, 'packages/demo/node_modules'), { recursive: true });
  const io = recorder(course.root);
  t.equal(await grade(['--task', '2', '--json'], course, io), 1);
  t.match(JSON.parse(io.out()), { tasks: [{ id: 2, status: 'fail', message: /tap is not installed in .*: run `pnpm install`/ }] });
});

t.test('arguments', async (t) => {
  const none = { tasks: [], packages: [], json: undefined, junit: undefined, format: undefined, allowSkips: false, typecheck: true, workspace: undefined, help: false };
  t.same(parseGradeArgs([]), none);
  t.same(parseGradeArgs(['--', '-t', '3', '--task=4,5', '-p', 'db', '--package=@hallpass/app', '--json']), { ...none, tasks: [3, 4, 5], packages: ['db', 'app'], json: null });
  t.same(parseGradeArgs(['--junit', 'r.xml', '-w', '../learn']), { ...none, junit: 'r.xml', workspace: '../learn' });
  t.same(parseGradeArgs(['--format', 'exercism', '--allow-skips', '--no-typecheck']), { ...none, format: { name: 'exercism', file: null }, allowSkips: true, typecheck: false });
  t.same(parseGradeArgs(['--format=exercism', 'results.json', '--json', 'r.json']), { ...none, format: { name: 'exercism', file: 'results.json' }, json: 'r.json' });
  t.throws(() => parseGradeArgs(['--format', 'tap']), /--format takes exercism, got "tap"/);
  t.throws(() => parseGradeArgs(['--format', 'exercism', '--json']), /--json and --format both want standard output/);
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

t.test('JUnit XML: one test case per task, failures with their message, skips, points as properties', async (t) => {
  const none = { at: null, diff: null, tests: [], skipped: [] };
  const report = gradeReport([
    { ...none, task: fixtureTasks[0]!, status: 'pass', passed: 2, failed: 0, total: 2, message: null },
    { ...none, task: { ...fixtureTasks[1]!, points: 3 }, status: 'fail', passed: 0, failed: 1, total: 1, message: 'a <b> & "c"\u0001', tests: [{ name: 'x', status: 'fail', message: 'a <b>', output: null }] },
    { ...none, task: fixtureTasks[2]!, status: 'fail', passed: 0, failed: 0, total: 0, message: null },
    { ...none, task: { ...fixtureTasks[2]!, id: 3 }, status: 'pass', passed: 1, failed: 0, total: 2, message: null, skipped: [{ name: 'on Redis', reason: 'needs Redis' }] },
  ]);
  t.same(report.points, { earned: 1, possible: 6 });
  const xml = junitXml(report);
  t.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="hallpass" tests="4" failures="2" skipped="1">\n/);
  t.match(xml, '<property name="points" value="1/6"/>');
  t.match(xml, /<testcase classname="hallpass\.demo" name="task 00: add two numbers">\n {6}<properties><property name="points" value="1"\/><property name="earned" value="1"\/><\/properties>\n {4}<\/testcase>/);
  t.match(xml, '<failure message="a &lt;b&gt; &amp; &quot;c&quot;" type="TaskFailed">0 of 1 tests pass\nx: a &lt;b&gt;</failure>', 'escaped, control characters dropped');
  t.match(xml, '<failure message="failed" type="TaskFailed">0 of 0 tests pass\nthe test file: error</failure>');
  t.match(xml, '<skipped message="skipped: on Redis — needs Redis; then run `pnpm grade --task 3` again"/>');
  const skipping = [{ ...none, task: fixtureTasks[0]!, status: 'pass' as const, passed: 1, failed: 0, total: 2, message: null, skipped: [{ name: 'a', reason: 'r' }, { name: 'b', reason: 'r' }] }];
  t.match(gradeReport(skipping, { allowSkips: true }), { status: 'pass', allowSkips: true, points: { earned: 1 }, tasks: [{ status: 'skip', earned: 1, skipped: 2, message: 'skipped: a (and 1 more) — r; then run `pnpm grade --task 0` again' }] }, '--allow-skips counts them');
});

/** A learner workspace of the fixture, with `edit` applied to its files. */
async function learner(t: Parameters<typeof makeFixture>[0], course: Course, edit: Record<string, (text: string) => string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hallpass-graded-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await createWorkspace(course, dir, recorder(), { git: false });
  for (const [file, change] of Object.entries(edit)) {
    const text = await readFile(join(dir, file), 'utf8').catch(() => '');
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), change(text));
  }
  return dir;
}

t.test('grade --workspace grades with the course\'s own tests, whatever the learner did to theirs', async (t) => {
  const course = await makeFixture(t);
  // the learner solves task 00, leaves 01 stubbed, and edits 01's test to pass; and adds a file
  const dir = await learner(t, course, {
    'packages/demo/src/math.ts': (text) => text.replace("throw new Error('task 00 is not done yet: write add');", 'return a + b + state.offset;').replace('export function double', '// a note\nexport function double'),
    'packages/demo/test/task-01-double.test.ts': () => "import t from 'tap';\nt.test('double doubles', async (t) => t.pass());\n",
    'packages/demo/src/extra.ts': () => 'export const extra = 1;\n',
    'README.md': () => '',
  });
  await rm(join(dir, 'docs/tasks/02-greet.md'));
  // the learner's own grade says task 01 passes
  await linkTools(dir);
  const own = recorder(dir);
  t.equal(await grade(['--task', '1', '--json', '--no-typecheck'], { root: dir, tasks: fixtureTasks }, own), 0, 'the tampered test passes in the workspace');

  const io = recorder(course.root);
  const xml = join(course.root, 'result.xml');
  t.equal(await grade(['--workspace', dir, '--junit', xml, '--no-typecheck'], course, io), 1, 'graded failing');
  t.match(io.err(), /grading .* with the course's own tests/);
  t.match(io.out(), /00\s+add two numbers\s+demo\s+pass/);
  t.match(io.out(), /01\s+double a number\s+demo\s+FAIL\s+0\/1/);
  t.match(io.out(), /02\s+greet someone\s+demo\s+FAIL/);
  t.match(io.out(), /5 files changed outside the task regions:\n {2}README\.md \(changed outside the task regions\)\n {2}docs\/tasks\/02-greet\.md \(deleted\)\n {2}packages\/demo\/src\/extra\.ts \(added\)\n {2}packages\/demo\/src\/math\.ts \(changed outside the task regions\)\n {2}packages\/demo\/test\/task-01-double\.test\.ts \(changed outside the task regions\)\n/);
  t.match(io.out(), `wrote ${xml}`);
  t.match(await readFile(xml, 'utf8'), /<testsuites name="hallpass" tests="3" failures="2" skipped="0">/);

  const json = recorder(course.root);
  t.equal(await grade(['--workspace', dir, '--task', '0', '--json', '--junit', xml, '--no-typecheck'], course, json), 0);
  t.match(JSON.parse(json.out()), { status: 'pass', points: { earned: 1, possible: 1 }, changes: [{ file: 'README.md', how: 'changed outside the task regions' }] });
  t.match(json.err(), `wrote ${xml}`);
});

t.test('grade --workspace: an untouched workspace has no changes; wrong folders are refused', async (t) => {
  const course = await makeFixture(t);
  const dir = await learner(t, course, {});
  const io = recorder(course.root);
  t.equal(await grade(['--workspace', dir, '--task', '0'], course, io), 1);
  t.match(io.out(), /no file changed outside the task regions/);
  await t.rejects(grade(['--workspace', course.root], course, recorder()), /is not a learner workspace/);
  await t.rejects(grade(['--workspace', course.root], { ...course, root: dir }, recorder()), /--workspace grades from the course repository/);
  await rm(join(course.root, 'node_modules'), { recursive: true });
  await t.rejects(grade(['--workspace', dir], course, recorder()), /the course repository has no node_modules/);
});

t.test('a file whose task markers the learner broke counts as changed outside the regions', async (t) => {
  const course = await makeFixture(t);
  const end = `// #${'endregion'}`;
  // the learner deletes task 02's closing marker in greet.ts; math.ts only gets an answer inside its region
  const dir = await learner(t, course, {
    'packages/demo/src/greet.ts': (text) => text.replace(end, ''),
    'packages/demo/src/math.ts': (text) => text.replace("throw new Error('task 00 is not done yet: write add');", 'return a + b;'),
  });
  t.same(await changesOutsideRegions(course, dir), [{ file: 'packages/demo/src/greet.ts', how: 'changed outside the task regions' }]);
});
