import t from 'tap';
import { course as courseCommand, courseUsage, runCommand } from '../src/cli.ts';
import { checkWrongAnswers } from '../src/wrong-answers.ts';
import { fixtureFiles, makeFixture, recorder } from './fixtures/course.ts';

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
  t.match(io.out(), /^1 wrong answer of 1 task, 1 at a time, each type-checked first\n\ntask 02 {2}caught {5}greets without the comma — should be equal \(packages\/demo\/test\/task-02-greet\.test\.ts:\d+\)\n/);
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

t.test('a wrong answer that does not type-check is refused, not run; errors the stage has without it do not count', async (t) => {
  const course = await makeFixture(t, {
    files: {
      // greet.ts has an error of its own, which the course's tests never see
      'packages/demo/src/greet.ts': `${fixtureFiles()['packages/demo/src/greet.ts']}export const typo: number = 'x';\n`,
      'packages/course/wrong-answers/task-00.ts': notes(
        [
          entry('returns a string', 'return a + b + state.offset;', "return a + b + state.offset + '1';"),
          entry('a comment in a file with errors of its own', "import { state } from './math.ts';", "import { state } from './math.ts';\n// a comment", 'packages/demo/src/greet.ts'),
        ].join('\n'),
      ),
    },
  });
  const io = recorder(course.root);
  t.equal(await checkWrongAnswers(course, io, undefined, { jobs: 1 }), 1);
  t.match(io.out(), /^2 wrong answers of 1 task, 1 at a time, each type-checked first\n/);
  t.match(io.out(), /task 00 {2}NO BUILD {3}returns a string — packages\/demo\/src\/math\.ts:\d+:3 - error TS2322: Type 'string' is not assignable to type 'number'\.\n/);
  t.match(io.out(), /task 00 {2}MISSED {5}a comment in a file with errors of its own — task 00's tests pass with it/);
  t.match(io.out(), /2 wrong answers in [\d.]+s: 0 caught, 1 missed, 0 malformed, 1 not type-checking\n$/);
  t.match(io.err(), /- task 00: NO BUILD "returns a string" \(packages\/course\/wrong-answers\/task-00\.ts#1\) does not type-check, so a learner would see a compiler error, not a failing test: packages\/demo\/src\/math\.ts:\d+:3 - error TS2322/);

  const unchecked = recorder(course.root);
  t.equal(await runCommand(courseCommand, ['wrong-answers', '0', '--no-typecheck', '--jobs', '1'], { course, io: unchecked }, courseUsage), 1);
  t.match(unchecked.out(), /^2 wrong answers of 1 task, 1 at a time \(not type-checked\)\n/);
  t.match(unchecked.out(), /task 00 {2}caught {5}returns a string — /, 'run without the check, its tests catch it');
});
