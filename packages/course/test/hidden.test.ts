import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { defaultCourse } from '../src/course.ts';
import { docsProblems, writeTaskIndex } from '../src/docs.ts';
import { codeIndex, comparedTexts, expectedStrings, hiddenRequirements, pageNames } from '../src/hidden.ts';
import { M, makeFixture } from './fixtures/course.ts';

/** Task 00's solution words a message and declares a helper; task 01's test checks the message, task 02's page names the helper. */
const MATH = [
  'export const state = { offset: 0 };',
  '',
  'export function add(a: number, b: number): number {',
  `  ${M.region('00')}`,
  '  if (!Number.isFinite(a)) throw new Error(`add takes numbers only, got ${a}`);',
  '  return sumOfBoth(a, b) + state.offset;',
  `  ${M.stub}`,
  "  // throw new Error('task 00 is not done yet: write add');",
  `  ${M.end}`,
  '}',
  '',
  `${M.region('00')}`,
  'function sumOfBoth(a: number, b: number): number {',
  '  return a + b;',
  '}',
  `${M.end}`,
  '',
  'export function double(a: number): number {',
  `  ${M.region('01')}`,
  "  if (a < 0) throw new Error('double takes no negative number');",
  '  return add(a, a);',
  `  ${M.stub}`,
  "  // throw new Error('task 01 is not done yet: write double');",
  `  ${M.end}`,
  '}',
  '',
].join('\n');

const DOUBLE_TEST = [
  "import t from 'tap';",
  "import { double } from '../src/math.ts';",
  "t.throws(() => double(NaN), { message: /add takes numbers only, got NaN/ }, 'a message task 00 words');",
  "const cases: [number, RegExp][] = [[Infinity, /numbers only, got/]];",
  'for (const [n, message] of cases) t.throws(() => double(n), { message });',
  "t.throws(() => double(-1), { message: 'double takes no negative number' });",
  "t.equal(String(double(1)), 'two, said plainly', 'a name or message no page states');",
  "const name = 'Grace';",
  "t.equal(name, 'Grace', 'an input the test gets back');",
  "t.same({ email: 'grace@example.com', n: 1 }, { email: 'grace@example.com', n: 1 });",
  "t.match(name, { shape: 'x1', ok: true });",
  '',
].join('\n');

async function brokenCourse(t: Parameters<typeof makeFixture>[0]) {
  const course = await makeFixture(t, {
    files: {
      'packages/demo/src/math.ts': MATH,
      'packages/demo/test/task-01-double.test.ts': DOUBLE_TEST,
      'docs/tasks/02-greet.md': '# Task 02 — greet\n\n**Time:** about 5 minutes\n\n## Learning objectives\n\n- practise\n\nCall your `sumOfBoth` from task 00, and `add`, and `state.offset`; `greet(\'Ada\')` answers `Hello, Ada!`.\n\n## Hints\n\n- `sumOfBoth` may be named in a hint.\n',
    },
  });
  await writeTaskIndex(course);
  return course;
}

t.test('a later test that checks an earlier solution\'s wording, and a page that names a reference answer\'s helper, are reported as file:line', async (t) => {
  const course = await brokenCourse(t);
  const problems = await hiddenRequirements(course);
  t.same(problems, [
    "packages/demo/test/task-01-double.test.ts:7: task 01's test expects \"two, said plainly\", which neither docs/tasks/01-double.md nor an earlier page states, nor any given code holds",
    "packages/demo/test/task-01-double.test.ts:3: task 01's test checks /add takes numbers only, got NaN/, in which \"add takes numbers only, got\" comes from task 00's solution (packages/demo/src/math.ts:5); docs/tasks/00-add.md does not state it (nor does an earlier page or given code)",
    "packages/demo/test/task-01-double.test.ts:4: task 01's test checks /numbers only, got/, in which \"numbers only, got\" comes from task 00's solution (packages/demo/src/math.ts:5); docs/tasks/00-add.md does not state it (nor does an earlier page or given code)",
    "packages/demo/test/task-01-double.test.ts:6: task 01's test checks \"double takes no negative number\", in which \"double takes no negative number\" comes from its own solution (packages/demo/src/math.ts:20); docs/tasks/01-double.md does not state it (nor does an earlier page or given code)",
    'docs/tasks/02-greet.md:9: the page names `sumOfBoth`, which exists only in the reference answer of task 00 (packages/demo/src/math.ts:13): not given code, and no earlier page asks the learner to write it',
  ]);
  const all = await docsProblems(course);
  t.same(all.filter((problem) => problems.includes(problem)), problems, '`course docs --check` (and so `course check`) reports them');

  const page = join(course.root, 'docs/tasks/00-add.md');
  await writeFile(page, (await readFile(page, 'utf8')).replace('Add.', 'Add; for a number that is not finite throw `add takes numbers only, got <n>`, and add with a helper `sumOfBoth(a, b)`.'));
  const double = join(course.root, 'docs/tasks/01-double.md');
  await writeFile(double, `${await readFile(double, 'utf8')}\nA negative number: throw \`double takes no negative number\`; one, doubled, is \`two, said plainly\`.\n`);
  t.same(await hiddenRequirements(course), [], 'once the pages state the messages and task 00\'s asks for the helper, nothing is hidden');
});

t.test('names a page may use: given code, its own task\'s, later names in hints', async (t) => {
  const course = await brokenCourse(t);
  const page = join(course.root, 'docs/tasks/00-add.md');
  await writeFile(page, (await readFile(page, 'utf8')).replace('Add.', 'Add with `sumOfBoth`; `add takes numbers only, got`.'));
  const double = join(course.root, 'docs/tasks/01-double.md');
  await writeFile(double, `${await readFile(double, 'utf8')}\nUse \`add\` and \`Number.isFinite\`; \`state\` is given; \`double takes no negative number\`, \`two, said plainly\`.\n`);
  t.same(await hiddenRequirements(course), []);
  const index = await codeIndex(course);
  t.same(index.declared.map(({ task, name }) => [task, name]), [[2, 'greet'], [0, 'sumOfBoth'], [2, 'version']], 'what the solutions declare');
  t.ok(index.given.includes('export const state'), 'given code is what is outside the regions');
  t.notOk(index.given.includes('sumOfBoth'), 'a solution is not given');
});

t.test('comparedTexts, expectedStrings and pageNames', async (t) => {
  t.same(
    expectedStrings("t.equal(a, 'one');\nt.rejects(p, { code: 'ERR_X', message: /not a string/, errors: ['in', 'array'] });\nt.ok(b, 'a label');\nt.equal(c);\nt.same(d, ['one']);\n"),
    [
      { text: 'one', line: 1, uses: 2 },
      { text: 'ERR_X', line: 2, uses: 1 },
      { text: 'in', line: 2, uses: 1 },
      { text: 'array', line: 2, uses: 1 },
      { text: 'one', line: 5, uses: 2 },
    ],
  );
  t.same(
    comparedTexts("import x from 'not-a-text';\nt.equal(a, 'one');\nt.match(b, `two ${n} three`);\nconst c = [/fo\\.ur/];\n").map(({ text, line }) => [text, line]),
    [['one', 2], ['two \u0000 three', 3], ['fo.ur', 4]],
  );
  t.same(
    pageNames('# T\n\nCall `db.updateUser(id, changes)` and `new Auth(db)`, not `a b` or `\'text\'`.\n\n```ts\nconst `hidden`;\n```\n\n## Hints\n\n- `inHint`\n\n## After\n\n`back`\n'),
    [
      { name: 'db', line: 3 },
      { name: 'updateUser', line: 3 },
      { name: 'Auth', line: 3 },
      { name: 'back', line: 15 },
    ],
  );
});

t.test('a task without its test file yet has nothing to compare', async (t) => {
  const course = await makeFixture(t, { missingTest: true });
  t.same(await hiddenRequirements(course), []);
});

t.test('the course hides no requirement the check can find', async (t) => {
  t.same(await hiddenRequirements(defaultCourse()), []);
});
