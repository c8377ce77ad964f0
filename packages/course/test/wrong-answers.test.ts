import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { course as courseCommand, courseUsage, runCommand } from '../src/cli.ts';
import { CourseError } from '../src/course.ts';
import { checkWrongAnswers, loadWrongAnswers } from '../src/wrong-answers.ts';
import { makeFixture, recorder } from './fixtures/course.ts';

const notes = (entries: string): string => `export default [\n${entries}\n];\n`;
const entry = (name: string, find: string, replace: string, file = 'packages/demo/src/math.ts'): string =>
  `  { name: ${JSON.stringify(name)}, file: ${JSON.stringify(file)}, find: ${JSON.stringify(find)}, replace: ${JSON.stringify(replace)} },`;

t.test('a wrong answer the tests catch, one they miss, and one that does not apply', async (t) => {
  const course = await makeFixture(t, {
    files: {
      'packages/course/wrong-answers/task-00.ts': notes(
        [
          entry('subtracts', 'return a + b + state.offset;', 'return a - b + state.offset;'),
          entry('adds the other way round', 'return a + b + state.offset;', 'return b + a + state.offset;'),
          // task 01's solution is stubbed while task 00's wrong answers run
          entry('doubles by adding', 'return add(a, a);', 'return 2 * a;'),
          entry('in a file that is not there', 'x', 'y', 'packages/demo/src/nowhere.ts'),
        ].join('\n'),
      ),
    },
  });
  const io = recorder(course.root);
  t.equal(await checkWrongAnswers(course, io, undefined, { jobs: 2 }), 1);
  const out = io.out();
  t.match(out, /^4 wrong answers of 1 task, 2 at a time, each type-checked first\n/);
  t.match(out, /task 00 {2}caught {5}subtracts — add adds › should be equal \(packages\/demo\/test\/task-00-add\.test\.ts:\d+\)\n/);
  t.match(out, /task 00 {2}MISSED {5}adds the other way round — task 00's tests pass with it \(2\/2\)\n/);
  t.match(out, /task 00 {2}MALFORMED {2}doubles by adding — packages\/course\/wrong-answers\/task-00\.ts#3: its find text occurs 0 times in packages\/demo\/src\/math\.ts with tasks ≤ 00 solved/);
  t.match(out, /MALFORMED {2}in a file that is not there — .*#4: packages\/demo\/src\/nowhere\.ts does not exist/);
  t.match(out, /4 wrong answers in [\d.]+s: 1 caught, 1 missed, 2 malformed\n$/);
  t.match(io.err(), /WRONG ANSWERS NOT CAUGHT \(3 problems\):\n/);
  t.match(io.err(), /\n {2}- task 00: MISSED "adds the other way round"\n/);
  t.match(io.err(), /\n {2}- task 00: MALFORMED packages\/course\/wrong-answers\/task-00\.ts#4: packages\/demo\/src\/nowhere\.ts does not exist\n/);
});

t.test('malformed notes are reported, not run', async (t) => {
  const course = await makeFixture(t, {
    files: {
      'packages/course/wrong-answers/task-7.ts': notes(''),
      'packages/course/wrong-answers/task-1.ts': notes(''),
      'packages/course/wrong-answers/task-00.ts': notes(
        [
          '  "just a string",',
          '  { name: "no file", find: "a", replace: "b" },',
          '  { name: "", file: "f", find: "", replace: 1 },',
          entry('changes nothing', 'a', 'a'),
        ].join('\n'),
      ),
      'packages/course/wrong-answers/task-02.ts': 'export default { name: "not in an array" };\n',
      'packages/course/wrong-answers/README.md': 'not a task file\n',
    },
  });
  const entries = await loadWrongAnswers(course);
  t.same(
    entries.map((entry) => [entry.where, entry.problem]),
    [
      ['packages/course/wrong-answers/task-7.ts', 'there is no task 7 in the manifest'],
      ['packages/course/wrong-answers/task-00.ts#1', 'an entry must be an object { name, file, find, replace }'],
      ['packages/course/wrong-answers/task-00.ts#2', 'file must be a string (not empty)'],
      ['packages/course/wrong-answers/task-00.ts#3', 'name, find, replace must be strings'],
      ['packages/course/wrong-answers/task-00.ts#4', 'replace is the same as find: nothing would change'],
      ['packages/course/wrong-answers/task-1.ts', 'name it task-01.ts'],
      ['packages/course/wrong-answers/task-02.ts', 'its default export must be an array of wrong answers'],
    ],
  );
  t.same(await loadWrongAnswers(course, course.tasks[1]), [{ task: course.tasks[1], where: 'packages/course/wrong-answers/task-1.ts', answer: null, problem: 'name it task-01.ts' }]);
  const io = recorder(course.root);
  t.equal(await checkWrongAnswers(course, io), 1);
  t.match(io.out(), /^0 wrong answers of 0 tasks, 1 at a time\n\ntask 07 {2}MALFORMED {2}packages\/course\/wrong-answers\/task-7\.ts — there is no task 7 in the manifest\n/);
  t.match(io.out(), /7 wrong answers in [\d.]+s: 0 caught, 0 missed, 7 malformed/);
});

t.test('no notes, a learner workspace, and the command line', async (t) => {
  const course = await makeFixture(t);
  const io = recorder(course.root);
  t.equal(await checkWrongAnswers(course, io), 0);
  t.equal(io.out(), 'no wrong answers recorded in packages/course/wrong-answers/\n');
  const one = recorder(course.root);
  t.equal(await runCommand(courseCommand, ['wrong-answers', '2'], { course, io: one }, courseUsage), 1);
  t.equal(one.out(), 'no wrong answers recorded for task 02 in packages/course/wrong-answers/\n');
  const jobs = recorder(course.root);
  t.equal(await runCommand(courseCommand, ['wrong-answers', '--jobs', '3'], { course, io: jobs }, courseUsage), 0);
  for (const [argv, message] of [
    [['wrong-answers', 'x'], /course wrong-answers takes a task number, got "x"/],
    [['wrong-answers', '--jobs=0'], /--jobs takes a positive number/],
    [['wrong-answers', '1', '2'], /unexpected argument "2" for course wrong-answers/],
    [['wrong-answers', '9'], /no task 9 in the manifest/],
  ] as const) {
    const bad = recorder(course.root);
    t.equal(await runCommand(courseCommand, [...argv], { course, io: bad }, courseUsage), 2, argv.join(' '));
    t.match(bad.err(), message, argv.join(' '));
  }
  await mkdir(join(course.root, '.course'), { recursive: true });
  await writeFile(join(course.root, '.course/workspace.json'), '{}');
  await t.rejects(checkWrongAnswers(course, recorder(course.root)), CourseError);
});
