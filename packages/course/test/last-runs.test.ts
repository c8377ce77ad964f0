import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { keepRun, mustRecheck } from '../src/last-runs.ts';
import type { TaskResult } from '../src/runner.ts';
import { fixtureTasks } from './fixtures/course.ts';

const task = fixtureTasks[0]!;
// the test ran a.ts's f (not g); b.ts was loaded, c.json read, d.ts never loaded
const code = 'export function f(){return 1}export function g(){return 2}';
const ranges = [{ start: 0, end: code.length, count: 1 }, { start: code.indexOf('function f'), end: code.indexOf('export function g'), count: 1 }, { start: code.indexOf('function g'), end: code.length, count: 0 }];
const files = { 'packages/demo/src/a.ts': 'h1', 'packages/demo/src/b.ts': 'h2', 'packages/demo/src/c.json': 'h3', 'packages/demo/src/d.ts': 'h4' };

async function workspace(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'hallpass-last-runs-')));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const a = join(root, 'packages/demo/src/a.ts');
  const result: TaskResult = {
    task, status: 'pass', passed: 1, failed: 0, total: 1, message: null, at: null, diff: null, tests: [], skipped: [],
    loaded: [a, join(root, 'packages/demo/src/b.ts'), '/elsewhere/outside.ts'],
    execution: { scripts: new Map([[a, { code, format: 'module' }]]), coverage: new Map([[a, [ranges]]]), strings: [], complete: true },
  };
  await keepRun(root, root, result, files);
  return root;
}

t.test('a task that passed is re-checked when a change can reach what its tests ran', async (t) => {
  const root = await workspace(t);
  const none = (): undefined => undefined;
  const asNow = (text: string) => (file: string) => (file === 'packages/demo/src/a.ts' ? { code: text, format: 'module' } : undefined);
  t.equal(await mustRecheck(root, root, task, files, none), false, 'nothing changed');
  t.equal(await readFile(join(root, '.course/runs/.gitignore'), 'utf8'), '*\n', 'git leaves the kept runs out');
  t.equal(await mustRecheck(root, root, task, { ...files, 'packages/demo/src/d.ts': 'new' }, none), false, 'a file it never loaded');
  t.equal(await mustRecheck(root, root, task, { ...files, 'packages/demo/src/a.ts': 'new' }, asNow(code.replace('return 2', 'return 3'))), false, 'a function it never ran');
  t.equal(await mustRecheck(root, root, task, { ...files, 'packages/demo/src/a.ts': 'new' }, asNow(code.replace('return 1', 'return 3'))), true, 'a function it ran');
  t.equal(await mustRecheck(root, root, task, { ...files, 'packages/demo/src/a.ts': 'new' }, none), true, 'a file no run since has shown the new code of');
  t.equal(await mustRecheck(root, root, task, { ...files, 'packages/demo/src/b.ts': 'new' }, none), true, 'a file it loaded without a record of its code');
  t.equal(await mustRecheck(root, root, task, { ...files, 'packages/demo/src/c.json': 'new' }, none), true, 'a file that is not code');
  t.equal(await mustRecheck(root, root, task, { ...files, 'packages/demo/src/e.ts': 'new' }, none), true, 'a file added');
  const { 'packages/demo/src/d.ts': _, ...fewer } = files;
  t.equal(await mustRecheck(root, root, task, fewer, none), true, 'a file removed');
});

t.test('without a kept run, a task is re-checked', async (t) => {
  const root = await workspace(t);
  t.equal(await mustRecheck(root, root, fixtureTasks[1]!, files, () => undefined), true, 'never kept');
  await mkdir(join(root, '.course/runs'), { recursive: true });
  await writeFile(join(root, '.course/runs/00.json'), 'not json');
  t.equal(await mustRecheck(root, root, task, files, () => undefined), true, 'damaged');
  await keepRun(root, root, { task, status: 'pass', passed: 1, failed: 0, total: 1, message: null, at: null, diff: null, tests: [], skipped: [] }, files);
  t.equal(await mustRecheck(root, root, task, files, () => undefined), true, 'a result without a record of its run keeps nothing');
});
