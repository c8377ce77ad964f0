import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runBatch } from '../src/runner.ts';
import { SLOW, fixtureTasks, makeFixture, started, writeFiles } from './fixtures/course.ts';

const [add, double, greet] = fixtureTasks as [typeof fixtureTasks[0], typeof fixtureTasks[0], typeof fixtureTasks[0]];

t.test('a batch runs each file in a subtest of its own and gives each task its result', async (t) => {
  const course = await makeFixture(t, {
    files: {
      // tap's `t` is the file's own: its teardown runs before the next file starts
      'packages/demo/test/task-00-add.test.ts':
        "import t from 'tap';\nimport { add } from '../src/math.ts';\nt.teardown(() => { (globalThis as { ended?: boolean }).ended = true; });\nt.test('add adds', async (t) => { t.equal(add(1, 2), 3); });\n",
      'packages/demo/test/task-01-double.test.ts':
        "import t from 'tap';\nimport { double } from '../src/math.ts';\nt.test('double doubles', async (t) => {\n  t.equal(double(2), 5, 'two doubled is five');\n});\n",
      'packages/demo/test/task-02-greet.test.ts':
        "import t from 'tap';\nt.equal((globalThis as { ended?: boolean }).ended, true, 'the file before has ended');\nt.test('one', async (t) => t.pass());\n",
    },
  });
  const [first, second, third] = await runBatch(course.root, fixtureTasks);
  t.match(first, { status: 'pass', passed: 1, failed: 0, total: 1, message: null });
  t.match(second, { status: 'fail', passed: 0, failed: 1, total: 1, message: 'double doubles › two doubled is five', at: 'packages/demo/test/task-01-double.test.ts:4' });
  t.match(second!.diff, /-5\n\+4|\+5\n-4|5[\s\S]*4/);
  t.match(third, { status: 'pass', passed: 2, total: 2 });
});

t.test('a file that sets an exit code fails; one that runs no test fails', async (t) => {
  const course = await makeFixture(t, {
    files: {
      'packages/demo/test/task-00-add.test.ts': "import t from 'tap';\nt.pass('fine');\nprocess.exitCode = 3;\n",
      'packages/demo/test/task-01-double.test.ts': 'export {};\n',
    },
  });
  const [exited, none, after] = await runBatch(course.root, fixtureTasks);
  t.match(exited, { status: 'fail', passed: 1, message: /task-00-add\.test\.ts set process\.exitCode to 3$/ });
  t.match(none, { status: 'fail', total: 0, message: 'the test file ran no test' });
  t.match(after, { status: 'pass' }, 'the exit code is not held against the files after');
});

t.test('a process that ends early fails the file it was in and those after it', async (t) => {
  const kill = "import t from 'tap';\nt.test('dies', async () => { process.kill(process.pid, 'SIGKILL'); });\n";
  const course = await makeFixture(t, { files: { 'packages/demo/test/task-01-double.test.ts': kill } });
  const [passes, killed, after] = await runBatch(course.root, fixtureTasks);
  t.match(passes, { status: 'pass' });
  t.match(killed, { status: 'fail', message: "the batch's process was killed by SIGKILL before this file's tests ended" });
  t.match(after, { status: 'fail', total: 0, message: "the batch's process was killed by SIGKILL before this file's tests ended" });

  // tap reports a file that calls process.exit; one that leaves at once (as a native crash would) it cannot
  await writeFiles(course.root, { 'packages/demo/test/task-01-double.test.ts': "import t from 'tap';\nt.test('exits', async () => { process.exit(2); });\n" });
  const [, exited] = await runBatch(course.root, fixtureTasks);
  t.match(exited, { status: 'fail', message: 'exits › test unfinished' });
  await writeFiles(course.root, { 'packages/demo/test/task-01-double.test.ts': "(process as unknown as { reallyExit(code: number): never }).reallyExit(2);\n" });
  const [, gone] = await runBatch(course.root, fixtureTasks);
  t.match(gone, { status: 'fail', message: "the batch's process exited with code 2 before this file's tests ended" });

  // a loop that never yields: tap's own timer could not stop it, the runner kills the process. With 0 s
  // tap sets no timer at all (one that ran out while a busy machine was still loading the file would
  // speak first), so only the runner's kill, 5 s after the process's first output, ends it.
  await writeFiles(course.root, { 'packages/demo/test/task-01-double.test.ts': 'while (Date.now() > 0);\n' });
  const [looped] = await runBatch(course.root, [double], { timeout: 0 });
  t.match(looped, { status: 'fail', message: "the batch's process ran out of time (0s a file) before this file's tests ended" });
});

t.test('a batch stopped by its signal fails the files it did not finish', async (t) => {
  const course = await makeFixture(t, { files: { 'packages/demo/test/task-01-double.test.ts': SLOW } });
  const stop = new AbortController();
  const run = runBatch(course.root, [add, double], { signal: stop.signal, timeout: 60 });
  // stopped once the slow file has begun (the first one has ended by then), however long that took
  await started(course.root);
  stop.abort();
  const [first, slow] = await run;
  t.match(first, { status: 'pass' });
  t.match(slow, { status: 'fail', message: 'stopped before its tests ran' });
});

t.test('a file that never ends fails for time', async (t) => {
  const course = await makeFixture(t, { files: { 'packages/demo/test/task-01-double.test.ts': 'await new Promise((r) => setTimeout(r, 60000));\n' } });
  // alone in its batch: a file's time counts from its own start, and a file before it could not be sure of 2 s on a busy machine
  const [stuck] = await runBatch(course.root, [double], { timeout: 2 });
  t.match(stuck, { status: 'fail', message: 'the test file timed out: still running after 2s' });
});

t.test("each file's record holds what it and the files before it loaded and ran", async (t) => {
  const course = await makeFixture(t);
  // a temporary folder of this test's own: other runs on the machine make and remove record folders of their own
  const temporary = await mkdtemp(join(tmpdir(), 'hallpass-batch-test-'));
  const { TMPDIR } = process.env;
  process.env.TMPDIR = temporary;
  t.teardown(async () => {
    if (TMPDIR === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = TMPDIR;
    await rm(temporary, { recursive: true, force: true });
  });
  const [first, second, third] = await runBatch(course.root, [double, greet, add], { loads: true });
  t.match([first, second, third], [{ status: 'pass' }, { status: 'pass' }, { status: 'pass' }]);
  const has = (files: string[] | undefined, name: string): boolean => (files ?? []).some((file) => file.endsWith(name));
  t.ok(has(first!.loaded, 'src/math.ts') && !has(first!.loaded, 'src/greet.ts'), 'the first file loaded math.ts, not greet.ts');
  t.ok(has(second!.loaded, 'src/greet.ts') && has(second!.loaded, 'src/math.ts'), 'the second file: greet.ts, and math.ts from the first');
  const covered = (result: typeof first, name: string): boolean => [...result!.execution!.coverage.keys()].some((file) => file.endsWith(name));
  t.ok(covered(first, 'src/math.ts') && !covered(first, 'src/greet.ts'), "the first file's coverage leaves out what the second ran");
  t.ok(covered(second, 'src/greet.ts') && covered(second, 'src/math.ts'));
  t.ok(third!.execution!.complete, 'the process ended normally: every record is whole');
  t.ok(has(third!.loaded, 'task-00-add.test.ts'));
  t.same((await readdir(temporary)).filter((name) => name.startsWith('hallpass-record-')), [], 'the record folders are removed');
});

t.test('a batch is of one package, and a missing file fails its task alone', async (t) => {
  const course = await makeFixture(t, { missingTest: true });
  await t.rejects(runBatch(course.root, [add, { ...double, package: 'other' as typeof double.package }]), /a batch runs the files of one package/);
  const [passes, missing] = await runBatch(course.root, [add, greet]);
  t.match(passes, { status: 'pass' });
  t.match(missing, { status: 'fail', message: /^no test file: packages\/demo\/test\/task-02-greet\.test\.ts/ });
  t.same(await runBatch(course.root, [greet]), [{ task: greet, status: 'fail', passed: 0, failed: 0, total: 0, message: 'no test file: packages/demo/test/task-02-greet.test.ts does not exist yet', at: null, diff: null, tests: [], skipped: [] }]);
});

t.test('a batch records each file\'s tests and what they skipped', async (t) => {
  const course = await makeFixture(t, {
    files: {
      'packages/demo/test/task-00-add.test.ts':
        "import t from 'tap';\nimport { add } from '../src/math.ts';\nt.test('add adds', async (t) => {\n  console.log('adding');\n  t.equal(add(1, 2), 3);\n  t.test('on Redis', { skip: 'needs Redis' }, async () => {});\n});\n",
      'packages/demo/test/task-01-double.test.ts': "import t from 'tap';\nt.plan(0, 'needs a browser');\n",
    },
  });
  const [first, second, third] = await runBatch(course.root, fixtureTasks);
  t.match(first, { status: 'pass', passed: 0, skipped: [{ name: 'add adds › on Redis', reason: 'needs Redis' }], tests: [{ name: 'add adds', status: 'skip', message: 'add adds › on Redis: needs Redis' }] });
  t.match(second, { status: 'pass', total: 0, skipped: [{ name: 'task-01-double.test.ts', reason: 'needs a browser' }], tests: [{ name: 'task-01-double.test.ts', status: 'skip' }] });
  t.match(third, { status: 'pass', skipped: [], tests: [{ name: 'should be equal', status: 'pass', output: null }] });
});
