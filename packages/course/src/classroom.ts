/**
 * `pnpm course new <dir> --classroom`: the workspace gets a GitHub Classroom
 * autograding workflow. Each task is one step of GitHub's command grader
 * running `pnpm grade --task N`, worth the task's points; the grading reporter
 * adds the steps up and hands the score to Classroom.
 */
import type { Course } from './course.ts';
import { taskNumber } from './manifest.ts';

/** Where the workflow is written, relative to the workspace root. */
export const CLASSROOM_WORKFLOW = '.github/workflows/classroom.yml';

/** A YAML scalar in double quotes: JSON's string syntax is YAML's. */
const quote = (text: string): string => JSON.stringify(text);

/** The workflow's text for the course's tasks. */
export function classroomWorkflow(course: Course): string {
  const ids = course.tasks.map((task) => `task-${taskNumber(task)}`);
  const steps = course.tasks.flatMap((task, index) => [
    `      - name: ${quote(`task ${taskNumber(task)}: ${task.title}`)}`,
    `        id: ${ids[index]}`,
    '        uses: classroom-resources/autograding-command-grader@v1',
    '        with:',
    `          test-name: ${quote(`task ${taskNumber(task)}: ${task.title}`)}`,
    `          command: pnpm grade --task ${task.id}`,
    '          timeout: 10',
    `          max-score: ${task.points}`,
  ]);
  return [
    '# GitHub Classroom autograding, written by `pnpm course new --classroom`.',
    '# One step per task runs `pnpm grade --task N` and is worth the task\'s points:',
    '# the task passes when its tests pass and its files type-check. Classroom reads',
    '# the score only from a workflow named "Autograding Tests" whose one job is',
    '# run-autograding-tests. See docs/grading.md.',
    'name: Autograding Tests',
    'on:',
    '  - push',
    '  - repository_dispatch',
    '  - workflow_dispatch',
    'permissions:',
    '  checks: write',
    '  actions: read',
    '  contents: read',
    'jobs:',
    '  run-autograding-tests:',
    '    runs-on: ubuntu-latest',
    "    if: github.actor != 'github-classroom[bot]'",
    '    services:',
    '      # tests that need Redis are skipped without it, and a task that skips tests earns no points',
    '      redis:',
    '        image: redis:7',
    '        ports:',
    '          - 6379:6379',
    '    steps:',
    '      - name: Check out the code',
    '        uses: actions/checkout@v4',
    '      - name: Set up pnpm (the version in package.json)',
    '        uses: pnpm/action-setup@v4',
    '      - name: Set up Node.js',
    '        uses: actions/setup-node@v4',
    '        with:',
    '          node-version: 20',
    '          cache: pnpm',
    '      - name: Install',
    '        run: pnpm install',
    ...steps,
    '      - name: Autograding Reporter',
    '        uses: classroom-resources/autograding-grading-reporter@v1',
    '        env:',
    ...ids.map((id) => `          ${id.toUpperCase()}_RESULTS: "\${{ steps.${id}.outputs.result }}"`),
    '        with:',
    `          runners: ${ids.join(',')}`,
    '',
  ].join('\n');
}
