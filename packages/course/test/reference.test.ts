import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { course as courseCommand, courseUsage, runCommand } from '../src/cli.ts';
import type { Course } from '../src/course.ts';
import { reset, solution } from '../src/reference.ts';
import { createWorkspace } from '../src/workspace.ts';
import { M, fixtureTasks, linkTools, makeFixture, recorder } from './fixtures/course.ts';

/** A region of task 02 inside task 01's code, as the security track's tasks sit in earlier ones. */
const NESTED = [
  'export function triple(a: number): number {',
  `  ${M.region('01')}`,
  '  const doubled = a * 2;',
  `  ${M.region('02')}`,
  '  return doubled + a;',
  `  ${M.stub}`,
  '  // return doubled;',
  `  ${M.end}`,
  `  ${M.stub}`,
  "  // throw new Error('task 01 is not done yet: write triple');",
  `  ${M.end}`,
  '}',
  '',
].join('\n');

async function workspace(t: Parameters<typeof makeFixture>[0]): Promise<Course> {
  const course = await makeFixture(t, { files: { 'packages/demo/src/nested.ts': NESTED } });
  const dir = await mkdtemp(join(tmpdir(), 'hallpass-reference-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await createWorkspace(course, dir, recorder(), { git: false });
  await linkTools(dir);
  return { root: dir, tasks: fixtureTasks };
}

const cli = (course: Course, ...argv: string[]): Promise<{ status: number; out: string; err: string }> => {
  const io = recorder(course.root);
  return runCommand(courseCommand, argv, { course, io }, courseUsage).then((status) => ({ status, out: io.out(), err: io.err() }));
};

t.test('solution is kept back until the task passes, then shown as a diff against the learner code', async (t) => {
  const course = await workspace(t);
  const before = await cli(course, 'solution', '0');
  t.equal(before.status, 1);
  t.match(before.err, /Task 00 does not pass yet: its reference solution is shown once it does/);
  t.equal(before.out, '');

  const forced = await cli(course, 'solution', '0', '--force');
  t.equal(forced.status, 0);
  t.match(forced.out, /--- a?\/?yours\/packages\/demo\/src\/math\.ts\n\+\+\+ b?\/?reference\/packages\/demo\/src\/math\.ts\n/);
  t.match(forced.out, /\n- {2}throw new Error\('task 00 is not done yet: write add'\);\n\+ {2}return a \+ b \+ state\.offset;\n/);

  const math = join(course.root, 'packages/demo/src/math.ts');
  await writeFile(math, (await readFile(math, 'utf8')).replace("throw new Error('task 00 is not done yet: write add');", 'return a + b + state.offset;'));
  const after = await cli(course, 'solution', '0');
  t.equal(after.status, 0, 'task 00 passes now');
  t.match(after.out, /packages\/demo\/src\/math\.ts: your code is the reference's, line for line/);

  const nested = await cli(course, 'solution', '2', '--force');
  t.match(nested.out, /packages\/demo\/src\/nested\.ts, inside task 01's code \(- the code before this task, \+ after\):\n[\s\S]*- {2}return doubled;\n\+ {2}return doubled \+ a;/);
  t.match(nested.out, /reference\/scripts\/version\.ts/, 'every region of the task');
  const outer = await cli(course, 'solution', '1', '--force');
  t.match(outer.out, /\+ {2}const doubled = a \* 2;\n\+ {2}return doubled;\n/, 'a later task inside the solution is shown as its stub');
});

t.test('reset puts back every region of one task and nothing else', async (t) => {
  const course = await workspace(t);
  const math = join(course.root, 'packages/demo/src/math.ts');
  const nested = join(course.root, 'packages/demo/src/nested.ts');
  const start = await readFile(math, 'utf8');
  const solved = start
    .replace("throw new Error('task 00 is not done yet: write add');", 'return a + b + state.offset;')
    .replace("throw new Error('task 01 is not done yet: write double');", 'return a + a;');
  await writeFile(math, solved);
  await writeFile(nested, (await readFile(nested, 'utf8')).replace("throw new Error('task 01 is not done yet: write triple');", 'return a * 3;'));

  const io = recorder(course.root);
  t.equal(await reset(course, io, fixtureTasks[1]!), 0);
  t.equal(io.out(), 'reset packages/demo/src/math.ts\nreset packages/demo/src/nested.ts\nTask 01 is back to its stub; `git diff` shows what changed.\n');
  const now = await readFile(math, 'utf8');
  t.match(now, 'return a + b + state.offset;', "task 00's code is untouched");
  t.match(now, `  ${M.region('01')}\n  throw new Error('task 01 is not done yet: write double');\n  ${M.end}`, "task 01's stub is back between its markers");
  t.equal(now, start.replace("throw new Error('task 00 is not done yet: write add');", 'return a + b + state.offset;'));
  t.match(await readFile(nested, 'utf8'), "throw new Error('task 01 is not done yet: write triple');");

  const inner = recorder(course.root);
  t.equal(await reset(course, inner, fixtureTasks[2]!), 0);
  t.match(inner.out(), /packages\/demo\/src\/nested\.ts: this task's code sits inside task 01's, which you wrote yourself; `pnpm course reset 1` puts that whole stub back/);
  t.match(inner.out(), /reset packages\/demo\/src\/greet\.ts\nreset scripts\/version\.ts\n/);
});

t.test('reset and solution say what is wrong with a workspace they cannot read', async (t) => {
  const course = await workspace(t);
  const math = join(course.root, 'packages/demo/src/math.ts');
  const stub = "  throw new Error('task 00 is not done yet: write add');\n";
  await writeFile(math, (await readFile(math, 'utf8')).replace(`  ${M.region('00')}\n${stub}  ${M.end}\n`, stub));
  await t.rejects(reset(course, recorder(), fixtureTasks[0]!), /the `\/\/ #region task-00` … `\/\/ #endregion` lines were removed/);
  await rm(math);
  await t.rejects(solution(course, recorder(), fixtureTasks[0]!, { passed: true }), /packages\/demo\/src\/math\.ts is gone: task 00 has code there/);
  await t.rejects(reset({ ...course, tasks: [...fixtureTasks, { ...fixtureTasks[0]!, id: 7 }] }, recorder(), { ...fixtureTasks[0]!, id: 7 }), /task 07 has no region in the course's sources/);
});

t.test('reset of a task whose code all sits inside an earlier task changes no file', async (t) => {
  const course = await makeFixture(t, { files: { 'packages/demo/src/nested.ts': NESTED, 'packages/demo/src/greet.ts': 'export const greet = (name: string) => name;\n', 'scripts/version.ts': '' } });
  const dir = await mkdtemp(join(tmpdir(), 'hallpass-reference-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await createWorkspace(course, dir, recorder(), { git: false });
  const io = recorder(dir);
  t.equal(await reset({ root: dir, tasks: fixtureTasks }, io, fixtureTasks[2]!), 0);
  t.match(io.out(), /^packages\/demo\/src\/nested\.ts: this task's code sits inside task 01's/);
  t.match(io.out(), /Task 02 is back to its stub \(nothing to change in your files\); `git diff` shows what changed\.\n$/);
});
