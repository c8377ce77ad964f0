import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { CLASSROOM_WORKFLOW, classroomWorkflow } from '../src/classroom.ts';
import { course as courseCommand, courseUsage, runCommand } from '../src/cli.ts';
import type { ExercismResults } from '../src/exercism.ts';
import { grade, type GradeReport } from '../src/grade.ts';
import { typeErrorsByTask, taskFiles } from '../src/task-types.ts';
import { changesOutsideRegions } from '../src/tamper.ts';
import { formatTypeError } from '../src/typecheck.ts';
import { M, fixtureFiles, makeFixture, recorder } from './fixtures/course.ts';

/** Task 01's tests: one passes, one is skipped for a missing service, one passes with a subtest skipped, and they print. */
const skippingTests = [
  "import t from 'tap';",
  "import { double } from '../src/math.ts';",
  "t.test('double doubles', async (t) => {",
  "  console.log('doubling 4');",
  '  t.equal(double(4), 8);',
  '});',
  "t.test('double on a GPU', { skip: 'needs a GPU at /dev/gpu0: plug one in' }, async (t) => t.pass());",
  "t.test('double twice', async (t) => {",
  "  console.log('x'.repeat(600));",
  "  t.test('on the GPU', { skip: 'needs a GPU at /dev/gpu0: plug one in' }, async () => {});",
  '  t.equal(double(double(1)), 4);',
  '});',
  '',
].join('\n');

/** Task 02's tests skip all at once, as a file does when what it needs is missing. */
const skippingFile = "import t from 'tap';\nt.plan(0, 'needs a browser: install Chromium');\n";

t.test('a skipped test is not passed: shown as skipped, no points unless --allow-skips', async (t) => {
  const course = await makeFixture(t, { files: { 'packages/demo/test/task-01-double.test.ts': skippingTests, 'packages/demo/test/task-02-greet.test.ts': skippingFile } });
  const io = recorder(course.root);
  t.equal(await grade(['--task', '0,1,2', '--no-typecheck'], course, io), 1, 'a task that skipped tests fails the run');
  t.match(io.out(), /00\s+add two numbers\s+demo\s+pass\s+2\/2\s+1\/1\n/);
  t.match(io.out(), /01\s+double a number\s+demo\s+SKIPPED\s+1\/3 \(2 skipped\)\s+0\/1\n/);
  t.match(io.out(), /02\s+greet someone\s+demo\s+SKIPPED\s+0\/0 \(1 skipped\)\s+0\/1\n/);
  t.match(io.out(), /1 of 3 tasks pass; 2 tasks skipped tests \(no points unless --allow-skips\); 1 of 3 points\n/);
  t.match(io.out(), '  01: skipped: double on a GPU (and 1 more) — needs a GPU at /dev/gpu0: plug one in; then run `pnpm grade --task 1` again\n');
  t.match(io.out(), '  02: skipped: task-02-greet.test.ts — needs a browser: install Chromium; then run `pnpm grade --task 2` again\n');
  t.match(io.err(), /\[\d\/3\] SKIPPED {2}01 double a number/);

  const json = recorder(course.root);
  t.equal(await grade(['--task', '1,2', '--json', '--no-typecheck'], course, json), 1);
  const report = JSON.parse(json.out()) as GradeReport;
  t.match(report, { status: 'fail', allowSkips: false, points: { earned: 0, possible: 2 } });
  t.same(report.tasks[0]!.tests, [
    { name: 'double doubles', status: 'pass', message: null },
    { name: 'double on a GPU', status: 'skip', message: 'needs a GPU at /dev/gpu0: plug one in' },
    { name: 'double twice', status: 'skip', message: 'double twice › on the GPU: needs a GPU at /dev/gpu0: plug one in' },
  ], 'each test with its status; a test with a skipped subtest is skipped');
  t.match(report.tasks[0], { status: 'skip', passed: 1, skipped: 2, total: 3, earned: 0 });
  t.same(report.tasks[1]!.tests, [{ name: 'task-02-greet.test.ts', status: 'skip', message: 'needs a browser: install Chromium' }]);

  const allowed = recorder(course.root);
  const xml = join(course.root, 'out.xml');
  t.equal(await grade(['--task', '1', '--allow-skips', '--junit', xml, '--no-typecheck'], course, allowed), 0, '--allow-skips: the grader says skips count');
  t.match(allowed.out(), /01\s+double a number\s+demo\s+SKIPPED\s+1\/3 \(2 skipped\)\s+1\/1\n/);
  t.match(allowed.out(), /0 of 1 task pass; 1 task skipped tests \(counted: --allow-skips\); 1 of 1 points\n/);
  t.match(await readFile(xml, 'utf8'), /<testsuites name="hallpass" tests="1" failures="0" skipped="1">[^]*<skipped message="skipped: double on a GPU/);
});

t.test('grade --format exercism: results.json version 3, one entry per test with its code and task', async (t) => {
  const course = await makeFixture(t, {
    files: {
      'packages/demo/test/task-01-double.test.ts': skippingTests,
      'packages/demo/test/task-00-add.test.ts': [
        "import t from 'tap';",
        "import { add } from '../src/index.ts';",
        'function sum(a: number, b: number): number { return add(a, b); }',
        "t.test('add adds', async (t) => {",
        '  // a comment kept',
        '  t.equal(add(1, 2), 3);',
        '',
        '  t.equal(add(2, 2), 4);',
        '});',
        "for (const n of [1]) t.test(`add ${n}`, async (t) => t.equal(add(n, 0), n));",
        "t.test('add adds negatives', async (t) => t.equal(add(-1, -2), -3, 'minus three'));",
        "t.test('add adds negatives', async (t) => t.end());",
        't.equal(add(0, 0), 0);',
        '',
      ].join('\n'),
    },
  });
  const io = recorder(course.root);
  t.equal(await grade(['--task', '0,1', '--format', 'exercism', '--no-typecheck'], course, io), 1);
  const results = JSON.parse(io.out()) as ExercismResults;
  t.equal(results.version, 3);
  t.equal(results.status, 'fail');
  t.equal(results.message, null);
  t.same(results.tests.map((test) => [test.name, test.status, test.task_id]), [
    ['task 00 › add adds', 'pass', 0],
    ['task 00 › add 1', 'pass', 0],
    ['task 00 › add adds negatives', 'pass', 0],
    ['task 00 › add adds negatives', 'pass', 0],
    ['task 00 › should be equal', 'pass', 0],
    ['task 01 › double doubles', 'pass', 1],
    ['task 01 › double on a GPU', 'fail', 1],
    ['task 01 › double twice', 'fail', 1],
  ]);
  t.equal(results.tests[0]!.test_code, '// a comment kept\nt.equal(add(1, 2), 3);\n\nt.equal(add(2, 2), 4);', 'the body of the test, unindented');
  t.equal(results.tests[1]!.test_code, '// see packages/demo/test/task-00-add.test.ts', 'a name made at run time: the file');
  t.equal(results.tests[2]!.test_code, "t.equal(add(-1, -2), -3, 'minus three')", 'an arrow without braces');
  t.equal(results.tests[4]!.test_code, '// see packages/demo/test/task-00-add.test.ts', 'an assertion at the top: the file');
  t.match(results.tests[5], { output: 'doubling 4', message: null, test_code: "console.log('doubling 4');\nt.equal(double(4), 8);" });
  t.match(results.tests[6], { message: 'not run: needs a GPU at /dev/gpu0: plug one in', output: null });
  t.match(results.tests[7]!.output, /^x{500}\n\[output truncated to 500 characters\]$/, 'output is cut at 500 characters');

  const file = recorder(course.root);
  t.equal(await grade(['--task', '1', '--format', 'exercism', 'results.json', '--allow-skips', '--no-typecheck'], course, file), 0);
  t.match(file.out(), /01\s+double a number\s+demo\s+SKIPPED/, 'the table, with the results in a file');
  t.match(file.out(), `wrote ${join(course.root, 'results.json')}`);
  const allowed = JSON.parse(await readFile(join(course.root, 'results.json'), 'utf8')) as ExercismResults;
  t.match(allowed, { version: 3, status: 'pass', message: null });
  t.same(allowed.tests.map((test) => test.status), ['pass', 'pass', 'pass'], '--allow-skips: a skipped test passes');

  const both = recorder(course.root);
  t.equal(await grade(['--task', '1', '--format', 'exercism', 'r.json', '--json', '--no-typecheck'], course, both), 1);
  t.match(JSON.parse(both.out()), { status: 'fail' }, '--json on standard output, the results in a file');
  t.match(both.err(), `wrote ${join(course.root, 'r.json')}`);
});

t.test('grade --format exercism: status error when no test ran at all', async (t) => {
  const course = await makeFixture(t, { missingTest: true, files: { 'packages/demo/test/task-01-double.test.ts': skippingFile } });
  const io = recorder(course.root);
  t.equal(await grade(['--task', '1,2', '--format', 'exercism', '--no-typecheck'], course, io), 1);
  const results = JSON.parse(io.out()) as ExercismResults;
  t.match(results, {
    version: 3,
    status: 'fail',
    tests: [{ name: 'task 01 › task-01-double.test.ts', status: 'fail' }, { name: 'task 02 › the test file', status: 'error', message: /no test file/ }],
  });
  const none = recorder(course.root);
  t.equal(await grade(['--task', '2', '--format', 'exercism', '--no-typecheck'], course, none), 1);
  t.same(JSON.parse(none.out()), {
    version: 3,
    status: 'error',
    message: 'task 02: no test file: packages/demo/test/task-02-greet.test.ts does not exist yet',
    tests: [{ name: 'task 02 › the test file', status: 'error', message: 'no test file: packages/demo/test/task-02-greet.test.ts does not exist yet', output: null, test_code: '// see packages/demo/test/task-02-greet.test.ts', task_id: 2 }],
  });
  // JUnit: a task that failed before any test names what failed in the failure's body
  const xml = join(course.root, 'none.xml');
  t.equal(await grade(['--task', '2', '--junit', xml, '--no-typecheck'], course, recorder(course.root)), 1);
  t.match(await readFile(xml, 'utf8'), /<failure message="no test file: [^"]*" type="TaskFailed">0 of 0 tests pass\nthe test file: no test file: packages\/demo\/test\/task-02-greet\.test\.ts does not exist yet<\/failure>/);
});

t.test('a task whose files do not type-check fails, its compiler error shown as the failing assertion', async (t) => {
  const math = fixtureFiles()['packages/demo/src/math.ts']!;
  // the tests pass at run time: only the compiler sees what is wrong
  const wrong = math.replace('return a + b + state.offset;', "const sum: string = a + b + state.offset;\n  return Number(sum);");
  const course = await makeFixture(t, { files: { 'packages/demo/src/math.ts': wrong } });
  const io = recorder(course.root);
  const xml = join(course.root, 'out.xml');
  t.equal(await grade(['--task', '0,1', '--json', '--junit', xml], course, io), 1);
  const report = JSON.parse(io.out()) as GradeReport;
  t.match(report.tasks[0], {
    status: 'fail',
    passed: 2,
    message: "packages/demo/src/math.ts:5:9 - error TS2322: Type 'number' is not assignable to type 'string'.",
    tests: [{ name: 'type check: packages/demo/src/math.ts:5:9', status: 'fail', message: "error TS2322: Type 'number' is not assignable to type 'string'." }, { name: 'add adds', status: 'pass' }, { name: 'add adds negatives', status: 'pass' }],
  });
  t.match(report.tasks[1], { status: 'pass' }, 'the error is in task 00\'s region: task 01, in the same file, passes');
  t.match(await readFile(xml, 'utf8'), '2 of 2 tests pass\ntype check: packages/demo/src/math.ts:5:9: error TS2322');

  const exercism = recorder(course.root);
  t.equal(await grade(['--task', '0', '--format', 'exercism'], course, exercism), 1);
  t.match(JSON.parse(exercism.out()), { status: 'fail', tests: [{ name: 'task 00 › type check: packages/demo/src/math.ts:5:9', status: 'fail', message: /TS2322/ }] });

  const table = recorder(course.root);
  t.equal(await grade(['--task', '0'], course, table), 1);
  t.match(table.out(), /00\s+add two numbers\s+demo\s+FAIL\s+2\/2\s+0\/1\n/);
  t.match(table.out(), "  00: packages/demo/src/math.ts:5:9 - error TS2322: Type 'number' is not assignable to type 'string'.\n");
  t.equal(await grade(['--task', '0', '--no-typecheck'], course, recorder(course.root)), 0, 'unless the grader says not to check types');
});

t.test('which task a compiler error belongs to', async (t) => {
  const nested = [
    'export function twice(n: number): number {',
    `  ${M.region('00')}`,
    '  let result = n;',
    `  ${M.region('02')}`,
    "  const inner: string = 1;",
    `  ${M.end}`,
    '  result = result * 2;',
    `  ${M.end}`,
    "  const outside: string = 2;",
    '  return result;',
    '}',
    '',
  ].join('\n');
  const course = await makeFixture(t, {
    files: {
      'packages/demo/src/nested.ts': nested,
      // markers the learner broke: the file's errors count for every task it names
      'packages/demo/src/broken.ts': `${M.region('01')}\nexport const broken: number = 'one';\n`,
      'packages/demo/test/task-02-greet.test.ts': "import t from 'tap';\nimport { greet } from '../src/greet.ts';\nt.equal(greet(2), 'Hello, 2!');\n",
    },
  });
  const byTask = await typeErrorsByTask(course, course.root, course.tasks);
  const where = (id: number): string[] => byTask.get(id)!.map((error) => `${error.file}:${error.line}`);
  t.same(where(0), ['packages/demo/src/nested.ts:9'], 'outside the regions: each task of the file');
  t.same(where(1), ['packages/demo/src/broken.ts:2']);
  t.same(where(2), ['packages/demo/src/nested.ts:5', 'packages/demo/src/nested.ts:9', 'packages/demo/test/task-02-greet.test.ts:3'], 'the innermost region, and the task\'s test file');
  t.same((await taskFiles(course, course.root, course.tasks[1]!)).sort(), ['packages/demo/src/broken.ts', 'packages/demo/src/math.ts', 'packages/demo/test/task-01-double.test.ts']);

  // an error of the configuration stops every task
  await writeFile(join(course.root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'Bundler', types: [] }, include: ['packages/*/src'] }));
  const config = await typeErrorsByTask(course, course.root, course.tasks);
  t.match(config.get(0), [{ file: 'tsconfig.json', line: 1 }]);
  t.match(config.get(2), [{ file: 'tsconfig.json', line: 1 }], 'every task has them');
  // an error of no file at all: without the standard library, nothing has a type
  await writeFile(join(course.root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...JSON.parse(fixtureFiles()['tsconfig.json']!).compilerOptions, noLib: true }, include: ['packages/*/src'] }));
  const global = await typeErrorsByTask(course, course.root, [course.tasks[0]!]);
  t.match(global.get(0)![0], { file: null, line: null, column: null, code: 2318 });
  t.match(formatTypeError(global.get(0)![0]!), /^error TS2318: Cannot find global type/);
  const io = recorder(course.root);
  t.equal(await grade(['--task', '0', '--json'], course, io), 1);
  t.match(JSON.parse(io.out()), { tasks: [{ message: /^error TS2318: /, tests: [{ name: 'type check', status: 'fail' }] }] });

  await rm(join(course.root, 'tsconfig.json'));
  const none = recorder(course.root);
  t.equal(await grade(['--task', '0'], course, none), 0);
  t.match(none.err(), 'note: no tsconfig.json or TypeScript here: types are not checked');
});

t.test('course new --classroom: a GitHub Classroom workflow, one step per task with its points', async (t) => {
  const course = await makeFixture(t);
  const dir = await mkdtemp(join(tmpdir(), 'hallpass-classroom-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const io = recorder(course.root);
  t.equal(await runCommand(courseCommand, ['new', dir, '--classroom', '--no-git'], { course, io }, courseUsage), 0);
  t.match(io.out(), `GitHub Classroom: ${CLASSROOM_WORKFLOW} grades each task on every push`);
  const workflow = await readFile(join(dir, CLASSROOM_WORKFLOW), 'utf8');
  t.equal(workflow, classroomWorkflow(course));
  t.match(workflow, /^name: Autograding Tests\n/m, 'the name Classroom looks for');
  t.match(workflow, /\njobs:\n {2}run-autograding-tests:\n/, 'its one job, named as Classroom expects');
  t.match(workflow, [
    '      - name: "task 01: double a number"',
    '        id: task-01',
    '        uses: classroom-resources/autograding-command-grader@v1',
    '        with:',
    '          test-name: "task 01: double a number"',
    '          command: pnpm grade --task 1',
    '          timeout: 10',
    '          max-score: 1',
  ].join('\n'));
  t.match(workflow, '          TASK-02_RESULTS: "${{ steps.task-02.outputs.result }}"\n        with:\n          runners: task-00,task-01,task-02\n');
  t.equal(workflow.match(/autograding-command-grader/g)?.length, 3, 'one step per task');
  t.same(await changesOutsideRegions(course, dir), [], 'the workflow is part of the start, not a change of the learner');
  await writeFile(join(dir, CLASSROOM_WORKFLOW), workflow.replace('max-score: 1', 'max-score: 100'));
  t.same(await changesOutsideRegions(course, dir), [{ file: CLASSROOM_WORKFLOW, how: 'changed outside the task regions' }], 'a workflow the learner changed is listed');

  const plain = await mkdtemp(join(tmpdir(), 'hallpass-classroom-'));
  t.teardown(() => rm(plain, { recursive: true, force: true }));
  t.equal(await runCommand(courseCommand, ['new', plain, '--no-git'], { course, io: recorder(course.root) }, courseUsage), 0);
  await t.rejects(readFile(join(plain, CLASSROOM_WORKFLOW)), { code: 'ENOENT' }, 'only with --classroom');
});
