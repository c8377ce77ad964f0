import t from 'tap';
import { course as courseCommand, courseUsage, runCommand } from '../src/cli.ts';
import { checkWrongAnswers } from '../src/wrong-answers.ts';
import { makeFixture, recorder } from './fixtures/course.ts';

// Each wrong answer is a tap run of its own: this file and wrong-answers.test.ts share the runs between them.
const notes = (entries: string): string => `export default [\n${entries}\n];\n`;
const entry = (name: string, find: string, replace: string, file = 'packages/demo/src/math.ts'): string =>
  `  { name: ${JSON.stringify(name)}, file: ${JSON.stringify(file)}, find: ${JSON.stringify(find)}, replace: ${JSON.stringify(replace)} },`;

t.test('a task is run with the tasks before it solved; all caught is a success', async (t) => {
  const course = await makeFixture(t, {
    files: {
      'packages/course/wrong-answers/task-02.ts': notes(entry('greets without the comma', '`Hello, ${name}!`', '`Hello ${name}!`', 'packages/demo/src/greet.ts')),
    },
  });
  const io = recorder(course.root);
  t.equal(await runCommand(courseCommand, ['wrong-answers', '2', '--jobs', '1'], { course, io }, courseUsage), 0, io.err());
  t.match(io.out(), /^1 wrong answer of 1 task, 1 at a time\n\ntask 02 {2}caught {5}greets without the comma — should be equal \(packages\/demo\/test\/task-02-greet\.test\.ts:\d+\)\n/);
  t.match(io.out(), /1 wrong answer in [\d.]+s: 1 caught, 0 missed, 0 malformed\n$/);
  t.equal(io.err(), '');
});

t.test('a task whose tests fail on its own solution proves nothing', async (t) => {
  const course = await makeFixture(t, {
    files: {
      'packages/demo/test/task-01-double.test.ts': "import t from 'tap';\nimport { double } from '../src/math.ts';\nt.test('always fails', async (t) => {\n  t.equal(double(1), 3, 'no');\n});\n",
      'packages/course/wrong-answers/task-01.ts': notes(entry('breaks the module', 'export const state = { offset: 0 };', "export const state = { offset: 0 };\nthrow new Error('broken');")),
    },
  });
  const io = recorder(course.root);
  t.equal(await checkWrongAnswers(course, io, undefined, { timeout: 60 }), 1);
  t.match(io.out(), /task 01 {2}caught {5}breaks the module — the test file exited with code 1 before any test ran.*\n/, 'a crash is caught, with no place to show');
  t.match(io.err(), /task 01: its tests fail on its own solution, so they prove nothing here: always fails › no/);
});
