import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { affectedPackages, defaultCourse, dependencyClosure, packageGraph, repoRoot, taskById } from '../src/course.ts';
import { courseFiles, isMarkable, markedSources } from '../src/files.ts';
import { tasks } from '../src/manifest.ts';
import { TEST_NODE_FLAGS, runTasks } from '../src/runner.ts';
import { SLOW, fixtureTasks, makeFixture, started, writeFiles } from './fixtures/course.ts';

t.test('the default course is this repository and its manifest', async (t) => {
  const course = defaultCourse();
  t.equal(course.root, repoRoot);
  t.equal(course.tasks, tasks);
  t.equal(taskById(course, 7).slug, 'post-users');
  const last = tasks[tasks.length - 1]!.id;
  t.throws(() => taskById(course, last + 1), { name: 'UsageError', message: `no task ${last + 1} in the manifest (tasks are 0–${last})` });
});

t.test('which packages see a change: the dependency graph, dev dependencies included', async (t) => {
  const graph = await packageGraph(repoRoot);
  t.same([...graph.get('app')!].sort(), ['auth', 'db']);
  t.ok(graph.get('user-model')!.has('db'), "user-model's tests use @hallpass/db/testing");
  t.same([...affectedPackages(graph, ['app'])], ['app']);
  t.same([...affectedPackages(graph, ['auth'])].sort(), ['app', 'auth']);
  t.same([...affectedPackages(graph, ['db'])].sort(), ['app', 'auth', 'db', 'user-model']);
  t.same([...dependencyClosure(graph, 'auth')].sort(), ['auth', 'db', 'user-model']);
  t.same([...dependencyClosure(graph, 'nowhere')], ['nowhere']);

  const course = await makeFixture(t, { files: { 'packages/notes.txt': 'not a package', 'packages/empty/README.md': 'no package.json' } });
  const fixture = await packageGraph(course.root);
  t.same([...fixture.keys()], ['demo']);
  await writeFiles(course.root, { 'packages/other/package.json': JSON.stringify({ devDependencies: { '@fixture/demo': '*', tap: '*' } }) });
  t.same([...(await packageGraph(course.root)).get('other')!], ['demo'], 'a package without a name is known by its folder');
  t.same([...(await packageGraph(join(course.root, 'nowhere'))).keys()], []);
});

t.test('course files: what git lists, or a walk that skips installs and caches', async (t) => {
  const course = await makeFixture(t, { files: { '.tap/test-results/x.tap': 'cache', 'packages/demo/coverage/x.json': '{}' } });
  const files = await courseFiles(course.root);
  t.ok(files.includes('packages/demo/src/math.ts'));
  t.notOk(files.some((file) => /node_modules|\.tap|coverage/.test(file)), files.join(', '));
  t.same(files, [...files].sort());
  await mkdir(join(course.root, '.git'));
  await t.rejects(courseFiles(course.root), 'a broken git folder is an error, not an empty course');
  await rm(join(course.root, '.git'), { recursive: true });

  t.ok(isMarkable('packages/db/src/db.ts'));
  t.ok(isMarkable('packages/app/src/client.mjs'));
  t.notOk(isMarkable('README.md'));
  t.notOk(isMarkable('packages/course/test/markers.test.ts'), "the course tools' own tests hold marker text as data");
  t.same((await markedSources(course, files)).map((source) => source.file), ['packages/demo/src/greet.ts', 'packages/demo/src/math.ts', 'scripts/version.ts']);
  await writeFiles(course.root, { 'packages/demo/src/bad.ts': '// #endregion\n', 'packages/demo/src/mention.ts': "const doc = 'use // #region task-NN';\n" });
  t.same((await markedSources(course, ['packages/demo/src/mention.ts'])).length, 0, 'marker text inside a line is not a marker');
  await t.rejects(markedSources(course, ['packages/demo/src/bad.ts']), { name: 'MarkerError', message: 'packages/demo/src/bad.ts:1: `// #endregion` without an open region' });
});

t.test('a run stopped by its signal fails the tasks it did not finish', async (t) => {
  const course = await makeFixture(t, { files: { 'packages/demo/test/task-00-add.test.ts': SLOW } });
  const stop = new AbortController();
  const run = runTasks(course.root, [fixtureTasks[0]!], { signal: stop.signal, timeout: 60 });
  await started(course.root);
  stop.abort();
  const [result] = await run;
  t.match(result, { status: 'fail', message: /stopped before its tests ran|was killed by SIGTERM/ });
});

t.test('failures without a place, and files killed by a signal', async (t) => {
  const course = await makeFixture(t, {
    files: {
      'packages/demo/test/task-00-add.test.ts': "import t from 'tap';\nt.test('throws', async () => { throw 'a string'; });\n",
      'packages/demo/test/task-01-double.test.ts': "import t from 'tap';\nt.test('dies', async () => { process.kill(process.pid, 'SIGKILL'); });\n",
      'packages/demo/test/task-02-greet.test.ts': "import t from 'tap';\nt.pass('fine');\nprocess.exitCode = 3;\n",
    },
  });
  const [thrown, killed, exited] = await runTasks(course.root, fixtureTasks);
  t.match(thrown, { status: 'fail', message: 'throws › a string', at: null, diff: null });
  t.match(killed, { status: 'fail', message: 'the test file was killed by SIGKILL before any test ran' });
  t.match(exited, { status: 'fail', passed: 1, total: 1, message: 'the test file exited with code 3' });
});

t.test('a test file that runs out of time fails', async (t) => {
  const course = await makeFixture(t, {
    files: {
      // what tap prints when its own timer stops a test (TAP_TIMEOUT), without the wait
      'packages/demo/test/task-00-add.test.ts': "console.log('TAP version 14\\n# Subtest: waits\\n    not ok 1 - timeout!\\n    1..1\\nnot ok 1 - waits\\n1..1');\nprocess.exitCode = 1;\n",
      'packages/demo/test/task-01-double.test.ts': "await new Promise((r) => setTimeout(r, 60000));\n",
    },
  });
  const [inTest, outside] = await runTasks(course.root, fixtureTasks.slice(0, 2), { timeout: 2 });
  t.match(inTest, { status: 'fail', message: 'the test file timed out: still running after 2s — waits' }, 'tap stops the test, which is named');
  t.match(outside, { status: 'fail', message: 'the test file timed out: still running after 2s' }, 'the runner stops the file');
});

t.test('a file that runs no test, and the files a test loads', async (t) => {
  const course = await makeFixture(t, { files: { 'packages/demo/test/task-00-add.test.ts': 'export {};\n' } });
  const [none, loads] = await runTasks(course.root, fixtureTasks.slice(0, 2), { loads: true, jobs: 1 });
  t.match(none, { status: 'fail', message: 'the test file ran no test' });
  t.ok(loads!.loaded!.some((file) => file.endsWith('packages/demo/src/math.ts')), 'the module under test is among the loaded files');
  t.notOk(loads!.loaded!.some((file) => file.endsWith('greet.ts')), 'a module it does not import is not');
});

t.test('test processes run with the V8 flags of TEST_NODE_FLAGS', async (t) => {
  const flags = JSON.stringify(TEST_NODE_FLAGS);
  const course = await makeFixture(t, {
    files: { 'packages/demo/test/task-00-add.test.ts': `import t from 'tap';\nt.test('flags', async (t) => { t.same(process.execArgv.filter((arg) => (${flags} as string[]).includes(arg)), ${flags}); });\n` },
  });
  const [result] = await runTasks(course.root, [fixtureTasks[0]!]);
  t.match(result, { status: 'pass', passed: 1 });
});

t.test('a package without tap installed fails its tasks', async (t) => {
  const course = await makeFixture(t);
  await rm(join(course.root, 'packages/demo/node_modules/tap'));
  const [result] = await runTasks(course.root, [fixtureTasks[0]!]);
  t.match(result, { status: 'fail', message: /tap is not installed in .*: run `pnpm install`/ });
});
