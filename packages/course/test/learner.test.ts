import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Course } from '../src/course.ts';
import { hint, list, passes, progressBar, verify, watch } from '../src/learner.ts';
import type { TaskResult } from '../src/runner.ts';
import { createWorkspace } from '../src/workspace.ts';
import { GREET_STUB, fixtureTasks, linkTools, makeFixture, recorder, until } from './fixtures/course.ts';

/** A learner workspace of the fixture course, installed. */
async function workspace(t: Parameters<typeof makeFixture>[0]): Promise<Course> {
  const course = await makeFixture(t);
  const dir = await mkdtemp(join(tmpdir(), 'hallpass-learner-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await createWorkspace(course, dir, recorder(), { git: false });
  await linkTools(dir);
  return { root: dir, tasks: fixtureTasks };
}

/** Replaces a task's stub by an answer, as a learner would. */
async function solve(course: Course, file: string, stub: string, answer: string): Promise<void> {
  const path = join(course.root, file);
  const text = await readFile(path, 'utf8');
  if (!text.includes(stub)) throw new Error(`no "${stub}" in ${file}`);
  await writeFile(path, text.replace(stub, answer));
}

t.test('verify points at the first task to do, and moves on as tasks are solved', async (t) => {
  const course = await workspace(t);
  let io = recorder();
  t.equal(await verify(course, io), 0, 'a failing task is what verify reports, not an error');
  t.match(io.out(), /✗ Task 00: add two numbers {2}\(packages\/demo\)\n {2}0 of 2 tests pass\n {2}read: {4}docs\/tasks\/00-add\.md\n {2}failing: add adds › task 00 is not done yet: write add\n/);
  t.match(io.out(), / {2}re-run: {2}pnpm grade --task 0\n {2}stuck\? {3}pnpm course hint 0\n/);

  io = recorder();
  t.equal(await hint(course, io), 0);
  t.equal(io.out(), 'Task 00: add two numbers  (docs/tasks/00-add.md)\n\nHint 1 of 1:\nUse `+`.\n\n(that was the last hint)\n', 'the first hint of the current task');
  io = recorder();
  t.equal(await hint(course, io), 0);
  t.match(io.out(), /You have seen all 1 hint of this task\. `pnpm course hint 0 --all` shows them again/);

  await solve(course, 'packages/demo/src/math.ts', "throw new Error('task 00 is not done yet: write add');", 'return a - b;');
  io = recorder();
  t.equal(await verify(course, io), 0);
  t.match(io.out(), /failing: add adds › should be equal\n {11}at packages\/demo\/test\/task-00-add\.test\.ts:4\n {11}--- expected\n/);

  await solve(course, 'packages/demo/src/math.ts', 'return a - b;', 'return a + b + state.offset;');
  io = recorder();
  t.equal(await verify(course, io), 0);
  t.match(io.out(), /^✓ 00 add two numbers\n {2}next: task 01 — double a number \(about 5 min\): practise\n\n✗ Task 01: double a number/);
  t.match(io.out(), /\n1\/3 ▓{7}░{13}\n$/, 'progress');

  io = recorder();
  t.equal(await list(course, io), 0);
  t.match(io.err(), /running the tests of 1 task changed since their last run/, 'task 00 and 01 come from the cache');
  t.match(io.out(), /done\s+00\s+add two numbers\s+demo\s+2\/2\nnext →\s+01\s+double a number\s+demo\s+0\/1\nto do\s+02\s+greet someone\s+demo\s+0\/0\n/);
  t.match(io.out(), /1 of 3 tasks done; next: task 01 \(pnpm course verify\)/);
  io = recorder();
  t.equal(await verify(course, io), 0);
  t.match(io.out(), /^✓ 1 task unchanged since it passed \(00\)\n\n✗ Task 01/, 'nothing changed: results come from the cache, in one line');

  io = recorder();
  t.equal(await hint(course, io), 0);
  t.match(io.out(), /^Task 01: double a number/);
  await writeFile(join(course.root, 'docs/tasks/hints/02-greet.md'), '# Task 02: hints\n\nNone yet.\n');
  await t.rejects(hint(course, recorder(), fixtureTasks[2]), /docs\/tasks\/hints\/02-greet\.md has no "## Hint" section/);
  await rm(join(course.root, 'docs/tasks/hints/02-greet.md'));
  await t.rejects(hint(course, recorder(), fixtureTasks[2]), /task 02 has no hints: docs\/tasks\/hints\/02-greet\.md is missing/);

  // a wrong try at task 01: task 00's test loads math.ts too, but never runs double, all that changed
  await solve(course, 'packages/demo/src/math.ts', "throw new Error('task 01 is not done yet: write double');", 'return a * 3;');
  io = recorder();
  t.equal(await verify(course, io), 0);
  t.match(io.out(), /^\n✗ Task 01: double a number[\s\S]*\nre-checking 1 earlier task whose code changed…\n✓ all still pass \(00\); 1 not run again: their tests never ran what changed\n1\/3 /, "task 01's verdict first; task 00 is not run again, only type-checked");
  await solve(course, 'packages/demo/src/math.ts', 'return a * 3;', "throw new Error('task 01 is not done yet: write double');");

  await solve(course, 'packages/demo/src/math.ts', "throw new Error('task 01 is not done yet: write double');", 'return add(a, a);');
  await solve(course, 'packages/demo/src/greet.ts', `export function greet(_name: string): string {\n  throw new Error('${GREET_STUB}');\n}`, 'export const greet = (name: string): string => `Hello, ${name}!`;');
  io = recorder();
  t.equal(await verify(course, io), 0);
  t.match(io.out(), /^✓ 01 double a number\n {2}next: task 02[^\n]*\n✓ 02 greet someone\nre-checking 1 earlier task whose code changed…\n✓ all still pass \(00\)[^\n]*\n3\/3 ▓{20}\n\nAll 3 tasks pass/);
  io = recorder();
  t.equal(await list(course, io), 0);
  t.equal(io.err(), '', 'nothing to re-run');
  t.match(io.out(), /3 of 3 tasks done: the course is complete/);
  io = recorder();
  t.equal(await hint(course, io), 0);
  t.match(io.out(), /Every task passes: no hints needed/);

  await solve(course, 'packages/demo/src/math.ts', 'return a + b + state.offset;', 'return a - b;');
  io = recorder();
  t.equal(await verify(course, io), 0);
  t.match(io.out(), /^re-checking 3 earlier tasks whose code changed…\n✓ 1 still pass \(02\); 1 not run again: their tests never ran what changed\n\nTask 00 passed before and fails now:\n✗ Task 00: add two numbers/, "a task broken by a later change is the one to work on; task 02's test never loads math.ts");
  t.match(io.out(), /\n1\/3 ▓{7}░{13}\n$/);
  await solve(course, 'packages/demo/src/math.ts', 'return a - b;', 'return a + b + state.offset;');
  io = recorder();
  t.equal(await verify(course, io), 0);
  t.match(io.out(), /\n3\/3 ▓{20}\n/, 'fixed again');


  await writeFile(join(course.root, '.course/results.json'), 'not json');
  await writeFile(join(course.root, '.course/state.json'), 'not json');
  io = recorder();
  t.equal(await hint(course, io, fixtureTasks[0]), 0, 'a damaged state only forgets which hints were seen');
  t.match(io.out(), /Hint 1 of 1/);
  io = recorder();
  t.equal(await list(course, io), 0, 'a damaged cache only means running the tests again');
  t.match(io.err(), /running the tests of 3 tasks/);
});

/**
 * The watcher's quiet-time timer, in the test's hands: `setTimeout` calls with `delay`
 * (a delay nothing else uses) are kept instead of scheduled, and `fire()` runs the one
 * still pending, so no run depends on how fast a busy machine delivers file events.
 */
function heldTimers(t: { teardown(fn: () => unknown): void }): { delay: number; pending: () => number; fire: () => void } {
  const delay = 86_400_017;
  const { setTimeout: realSet, clearTimeout: realClear } = globalThis;
  const live = new Map<object, () => void>();
  globalThis.setTimeout = ((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    if (ms !== delay) return realSet(fn, ms, ...args);
    const handle = {};
    live.set(handle, () => fn(...args));
    return handle;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((handle?: object) => {
    if (handle === undefined || !live.delete(handle)) realClear(handle as NodeJS.Timeout);
  }) as typeof clearTimeout;
  t.teardown(() => Object.assign(globalThis, { setTimeout: realSet, clearTimeout: realClear }));
  return {
    delay,
    pending: () => live.size,
    fire: () => {
      const [[handle, run] = []] = live;
      if (handle === undefined || run === undefined) throw new Error('no quiet-time timer is pending');
      live.delete(handle);
      run();
    },
  };
}

t.test('watch runs the current task, again on every change, and stops on abort', async (t) => {
  const course = await workspace(t);
  const io = recorder();
  const stop = new AbortController();
  const runs: (TaskResult | null)[] = [];
  let ran: () => void = () => {};
  const next = (): Promise<void> => new Promise((resolve) => (ran = resolve));
  const timers = heldTimers(t);
  const changeSeen = () => until(() => timers.pending() > 0);
  let first = next();
  const watching = watch(course, io, stop.signal, {
    debounce: timers.delay,
    onRun: (failing) => {
      runs.push(failing);
      ran();
    },
  });
  await first;
  t.equal(runs[0]?.task.id, 0);
  t.match(io.out(), /✗ Task 00: add two numbers[\s\S]*watching packages\/ for changes \(Ctrl-C to stop\)/);

  first = next();
  await writeFile(join(course.root, 'packages/demo/node_modules/ignored.txt'), 'installs do not count');
  await mkdir(join(course.root, 'packages/demo/dist')); // build output does not count either
  await writeFile(join(course.root, 'packages/demo/package.json.bak'), 'a change in the package folder');
  await solve(course, 'packages/demo/src/math.ts', "throw new Error('task 00 is not done yet: write add');", 'return a + b + state.offset;');
  await changeSeen();
  t.equal(timers.pending(), 1, 'each change restarts the quiet time: one timer is pending, not one per change');
  timers.fire();
  await first;
  t.equal(runs[1]?.task.id, 1, 'the next task after a change');
  t.equal(runs.length, 2, 'changes close together make one run');

  // a change while the tests run: one more run once this one ends
  const twoMore = new Promise<void>((resolve) => (ran = () => runs.length === 4 && resolve()));
  await writeFile(join(course.root, 'packages/demo/src/notes.ts'), '// first\n');
  await changeSeen();
  timers.fire(); // the third run starts now; the next change comes while it runs
  await writeFile(join(course.root, 'packages/demo/src/notes.ts'), '// second\n');
  await changeSeen();
  timers.fire();
  await twoMore;
  t.equal(runs.length, 4);

  stop.abort();
  t.equal(await watching, 0);
  t.match(io.out(), /stopped watching\n$/);
});

t.test('watch stops at once when aborted before its first run ends', async (t) => {
  const course = await workspace(t);
  const io = recorder();
  const stop = new AbortController();
  stop.abort();
  t.equal(await watch(course, io, stop.signal), 0);
  t.notMatch(io.out(), /Task 00/);
});

t.test('every task done: watch says so', async (t) => {
  const course = await makeFixture(t);
  const io = recorder();
  const stop = new AbortController();
  const done = new Promise<TaskResult | null>((resolve) => void watch(course, io, stop.signal, { onRun: resolve }));
  t.equal(await done, null);
  stop.abort();
  t.match(io.out(), /All 3 tasks pass/);
});

t.test('progressBar fills in proportion to the tasks done; a course without tasks is complete', async (t) => {
  t.equal(progressBar(0, 4, 8), '0/4 ░░░░░░░░');
  t.equal(progressBar(3, 4, 8), '3/4 ▓▓▓▓▓▓░░');
  t.equal(progressBar(0, 0, 8), '0/0 ▓▓▓▓▓▓▓▓');
});

t.test("hint reads the task's hint file, one hint at a time, and names the command for the next", async (t) => {
  const course = await workspace(t);
  await writeFile(join(course.root, 'docs/tasks/00-add.md'), '# Task 00 — add\n\n## Hints\n\n<details><summary>Hint 1</summary>\n\nNot from the page.\n\n</details>\n');
  await writeFile(join(course.root, 'docs/tasks/hints/00-add.md'), '# Task 00: hints\n\nNot a hint.\n\n## Hint 1\n\nUse `+`.\n\n## Hint 2: the result\n\nReturn the sum\nof both.\n\n## Hint 3\n\nKeep `state.offset`.\n');
  let io = recorder();
  t.equal(await hint(course, io), 0);
  t.match(io.out(), /Hint 1 of 3:\nUse `\+`\.\n\n\(`pnpm course hint` again for hint 2; `--all` for all of them\)\n$/);
  t.notMatch(io.out(), /Not/, 'neither the page nor the text before the first hint');
  io = recorder();
  t.equal(await hint(course, io, fixtureTasks[0]), 0);
  t.match(io.out(), /Hint 2 of 3 \(the result\):\nReturn the sum\nof both\.\n\n\(`pnpm course hint 0` again for hint 3; `--all` for all of them\)\n$/, 'with a task number, the command names it; a titled hint shows its title');
  io = recorder();
  t.equal(await hint(course, io), 0);
  t.match(io.out(), /Hint 3 of 3:\nKeep `state\.offset`\.\n\n\(that was the last hint\)\n$/);
  io = recorder();
  t.equal(await hint(course, io, fixtureTasks[0], { all: true }), 0);
  t.equal(io.out(), 'Task 00: add two numbers  (docs/tasks/00-add.md)\n\nHint 1 of 3:\nUse `+`.\n\nHint 2 of 3 (the result):\nReturn the sum\nof both.\n\nHint 3 of 3:\nKeep `state.offset`.\n', '--all: every hint, in order');
});

t.test('a later task that passed counts in the progress while an earlier one is still to do', async (t) => {
  const course = await workspace(t);
  await solve(course, 'packages/demo/src/greet.ts', `throw new Error('${GREET_STUB}');`, 'return `Hello, ${_name}!`;');
  t.equal(await passes(course, fixtureTasks[2]!), true, 'task 02 is solved first (as `pnpm course solution 2` checks it)');
  const io = recorder();
  t.equal(await verify(course, io), 0);
  t.match(io.out(), /✗ Task 00: add two numbers/);
  t.match(io.out(), /\n1\/3 /, 'task 02 is counted done');
});

t.test('verify shows a task that passes with tests skipped, with what they need', async (t) => {
  const course = await makeFixture(t, {
    files: { 'packages/demo/test/task-00-add.test.ts': "import t from 'tap';\nimport { add } from '../src/math.ts';\nt.test('add adds', async (t) => t.equal(add(1, 2), 3));\nt.test('add on Redis', { skip: 'needs Redis at 127.0.0.1:6379' }, async () => {});\n" },
  });
  const dir = await mkdtemp(join(tmpdir(), 'hallpass-learner-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await createWorkspace(course, dir, recorder(), { git: false });
  await linkTools(dir);
  const learner: Course = { root: dir, tasks: fixtureTasks };
  await solve(learner, 'packages/demo/src/math.ts', "throw new Error('task 00 is not done yet: write add');", 'return a + b + state.offset;');
  const note = '  ⚠ skipped: add on Redis — needs Redis at 127.0.0.1:6379; then run `pnpm grade --task 0` again\n';
  let io = recorder();
  await verify(learner, io);
  t.match(io.out(), `✓ 00 add two numbers\n${note}`, 'the task passes, and the skip is said');
  io = recorder();
  await verify(learner, io);
  t.match(io.out(), `✓ 1 task unchanged since it passed (00)\n  ⚠ 00: ${note.slice(4)}`, 'and again from the cached result');
  // a result cached by an older version of the tools has neither tests nor skips
  const results = join(dir, '.course/results.json');
  const cached = JSON.parse(await readFile(results, 'utf8')) as Record<string, Record<string, unknown>>;
  for (const entry of Object.values(cached)) {
    delete entry.tests;
    delete entry.skipped;
  }
  await writeFile(results, JSON.stringify(cached));
  io = recorder();
  await verify(learner, io);
  t.match(io.out(), '✓ 1 task unchanged since it passed (00)\n');
  t.notMatch(io.out(), '⚠', 'an old result shows no skip');
});
