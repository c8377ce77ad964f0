import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { defaultCourse } from '../src/course.ts';
import { checkedTexts, pageFacts, pageStates, pageSyncProblems, taskPageProblems } from '../src/page-sync.ts';
import { makeFixture } from './fixtures/course.ts';

t.test('every task page states what its test checks, and the manifest\'s objectives and time', async (t) => {
  const course = defaultCourse();
  for (const task of course.tasks) {
    const problems = await taskPageProblems(course, task);
    t.same(problems, [], `task ${task.id}: its page is in step with its test and the manifest`);
  }
});

t.test('checkedTexts finds the regexes, codes, messages and header names a test checks', async (t) => {
  const source = [
    "t.match(error, { code: 'ERR_X', message: /must be (a|an) thing/i });",
    "await t.rejects(p, { message: 'exact words' }, 'a label is not checked text');",
    "t.equal(error.message, 'the whole message');",
    "t.equal(error.code, `ERR_Y`);",
    "t.equal(response.headers['set-cookie'], undefined);",
    't.equal(response.headers.location, "/");',
    "t.match(other, /must be (a|an) thing/i);",
    "t.equal(body.email, 'not checked: a value, not a message');",
    "t.equal(error.message, someVariable);",
    "const headers = { cookie: 'x' };",
  ].join('\n');
  t.same(checkedTexts(source), [
    { kind: 'string', text: 'ERR_X', flags: '', line: 1 },
    { kind: 'regex', text: 'must be (a|an) thing', flags: 'i', line: 1 },
    { kind: 'string', text: 'exact words', flags: '', line: 2 },
    { kind: 'string', text: 'the whole message', flags: '', line: 3 },
    { kind: 'string', text: 'ERR_Y', flags: '', line: 4 },
    { kind: 'header', text: 'set-cookie', flags: '', line: 5 },
    { kind: 'header', text: 'location', flags: '', line: 6 },
  ]);
});

t.test('pageStates: strings verbatim, headers in any case, regexes unanchored and through backticks', async (t) => {
  const page = 'The error has `code` `ERR_X` and says `must be a thing`. It sets `Set-Cookie` and answers `$2b$12$abc`.';
  const cases: [Parameters<typeof pageStates>[1], boolean][] = [
    [{ kind: 'string', text: 'ERR_X', flags: '', line: 1 }, true],
    [{ kind: 'string', text: 'ERR_Z', flags: '', line: 1 }, false],
    [{ kind: 'header', text: 'set-cookie', flags: '', line: 1 }, true],
    [{ kind: 'header', text: 'location', flags: '', line: 1 }, false],
    [{ kind: 'regex', text: 'MUST BE (a|an) thing', flags: 'gi', line: 1 }, true],
    [{ kind: 'regex', text: '^\\$2b\\$12\\$', flags: '', line: 1 }, true],
    [{ kind: 'regex', text: 'abc$', flags: '', line: 1 }, true],
    [{ kind: 'regex', text: 'ERR_X and', flags: '', line: 1 }, true],
    [{ kind: 'regex', text: 'must be an thing', flags: '', line: 1 }, false],
  ];
  for (const [checked, stated] of cases) t.equal(pageStates(page, checked), stated, `${checked.kind} ${checked.text}`);
});

t.test('pageFacts reads the objectives and the time', async (t) => {
  t.same(pageFacts('# T\n\n**Time:** about 5 minutes\n\n## Learning objectives\n\n- One\n* Two \n\n## Goal\n\n- not an objective\n'), { objectives: ['One', 'Two'], minutes: 5 });
  t.same(pageFacts('# T\n\n## Learning objectives\n- Last section'), { objectives: ['Last section'], minutes: null });
  t.same(pageFacts('# T\n**Time:** about 1 minute'), { objectives: null, minutes: 1 });
});

t.test('the problems of a course whose pages are out of step', async (t) => {
  const course = await makeFixture(t);
  await writeFile(join(course.root, 'packages/demo/test/task-00-add.test.ts'), "import t from 'tap';\nt.throws(() => add(), { code: 'ERR_ADD', message: /needs two numbers/ });\n");
  await writeFile(join(course.root, 'docs/tasks/00-add.md'), '# Task 00\n\n## Goal\n\nAdd.\n');
  await writeFile(join(course.root, 'docs/tasks/01-double.md'), '# Task 01\n\n**Time:** about 5 minutes\n\n## Learning objectives\n\n- practise\n');
  await writeFile(join(course.root, 'docs/tasks/02-greet.md'), '# Task 02\n\n**Time:** about 9 minutes\n\n## Learning objectives\n\n- play\n');
  await writeFile(join(course.root, 'packages/demo/test/task-02-greet.test.ts'), "t.equal(error.message, 'Hello, Ada!');\nt.ok(response.headers['x-greeting']);\n");
  // task 03 has a page and no test file yet; task 04 has neither
  await writeFile(join(course.root, 'docs/tasks/03-untested.md'), '# Task 03\n\n**Time:** about 5 minutes\n\n## Learning objectives\n\n- practise\n');
  const extra = [{ ...course.tasks[0]!, id: 3, slug: 'untested' }, { ...course.tasks[0]!, id: 4, slug: 'none' }];
  const problems = await pageSyncProblems({ ...course, tasks: [...course.tasks, ...extra] });
  t.same(problems, [
    'task 00: packages/demo/test/task-00-add.test.ts:2 checks "ERR_ADD", which docs/tasks/00-add.md does not state',
    'task 00: packages/demo/test/task-00-add.test.ts:2 checks /needs two numbers/, which docs/tasks/00-add.md does not state',
    'task 00: docs/tasks/00-add.md has no "## Learning objectives" section',
    'task 00: docs/tasks/00-add.md must say "**Time:** about 5 minutes", as the manifest does',
    'task 02: packages/demo/test/task-02-greet.test.ts:1 checks "Hello, Ada!", which docs/tasks/02-greet.md does not state',
    'task 02: packages/demo/test/task-02-greet.test.ts:2 checks header x-greeting, which docs/tasks/02-greet.md does not state',
    'task 02: the learning objectives of docs/tasks/02-greet.md are not the manifest\'s ("practise")',
    'task 02: docs/tasks/02-greet.md must say "**Time:** about 5 minutes", as the manifest does',
    'task 04: no page (docs/tasks/04-none.md)',
  ]);
});
