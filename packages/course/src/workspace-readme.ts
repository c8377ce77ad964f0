/**
 * The README.md of a learner workspace. The course repository's own README
 * speaks of the finished service; a learner's copy needs to say what the
 * workspace is and how to work in it. Written by `course new` (workspace.ts).
 */
import type { Course } from './course.ts';
import { docPage, taskNumber, testFile } from './manifest.ts';

/** Where `course new` writes it: over the course's own README. */
export const WORKSPACE_README = 'README.md';

/** Task ids as ranges: `00–03, 21, 22`. */
function ranges(ids: readonly number[]): string {
  const parts: string[] = [];
  for (let index = 0; index < ids.length; index++) {
    let end = index;
    while (end + 1 < ids.length && ids[end + 1] === ids[end]! + 1) end++;
    const from = taskNumber({ id: ids[index]! });
    parts.push(end - index >= 2 ? `${from}–${taskNumber({ id: ids[end]! })}` : from);
    if (end - index === 1) parts.push(taskNumber({ id: ids[end]! }));
    index = end;
  }
  return parts.join(', ');
}

export function learnerReadme(course: Course): string {
  const [first] = course.tasks;
  const packages = [...new Set(course.tasks.map((task) => task.package))];
  const example = course.tasks.find((task) => task.id === 3) ?? first;
  const lines = [
    '# hallpass — your workspace',
    '',
    `This is your own copy of the hallpass course. In it you build a user-authentication`,
    `service one task at a time: ${course.tasks.length} tasks, in order. Every task's code is a`,
    'stub for now, which compiles and fails its tests; you replace it with your own.',
    'This folder is a git repository of its own: `git diff` shows what you wrote.',
    '',
    '## The first three commands',
    '',
    '```sh',
    'pnpm install',
    'pnpm course verify     # the task you are on: its page, what fails, how to re-run it',
    'pnpm course watch      # the same verdict again each time you save (Ctrl-C stops it)',
    '```',
    '',
    ...(first === undefined ? [] : [`Start with task ${taskNumber(first)}: \`${docPage(first)}\`.`, '']),
    '## Where things are',
    '',
    '- `docs/taking-the-course.md`: how to work through the course, every command, what a verdict means.',
    '- `docs/tasks/`: one page per task (the index is `docs/tasks/README.md`): what to write, and what its test checks.',
    '- `docs/tasks/hints/`: the hints of each task; `pnpm course hint N` shows them one at a time.',
    '- `docs/concepts/`: the libraries and ideas the tasks use but do not teach.',
    '- `packages/`: the code, one package per folder, with the tasks whose test file is in it:',
    ...packages.map((pkg) => {
      const ids = course.tasks.filter((task) => task.package === pkg).map((task) => task.id);
      return `  - \`packages/${pkg}/\`: ${ids.length === 1 ? 'task' : 'tasks'} ${ranges(ids)}`;
    }),
    '',
    "Your code goes between a task's `// #region task-NN` and `// #endregion` lines, in place of",
    'the stub. Keep those two lines: `pnpm course solution N` and `pnpm course reset N` find your code by them.',
    '',
    '## Tests',
    '',
    'The tests in this workspace are the task tests, one file per task',
    '(`packages/<package>/test/task-NN-<slug>.test.ts`): code that passes them passes the course.',
    "The course's authors have other tests of their own; they are not in your workspace.",
    '',
    '```sh',
    ...(example === undefined ? [] : [`pnpm grade --task ${example.id}          # one task's tests (and its type check), with its score`]),
    'pnpm grade                   # every task: a scorecard',
    "pnpm test                    # every task's test file, with tap's own output (coverage shown, not required)",
    'pnpm typecheck               # every type error in the workspace',
    '```',
    '',
    ...(example === undefined
      ? []
      : [
          `One test file on its own, from its package: \`cd packages/${example.package} && npx tap ${testFile(example).replace(/^packages\/[^/]+\//, '')}\`.`,
          '',
        ]),
  ];
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
