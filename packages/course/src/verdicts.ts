/**
 * What a task's test run means for a grader: whether the task passed, failed
 * or skipped tests, and its tests as a report lists them.
 */
import type { TaskResult } from './runner.ts';

export type TaskStatus = 'pass' | 'fail' | 'skip';

/** One test of a task, as the report lists it. */
export interface GradedTest {
  name: string;
  /** 'error': the test file did not run to its end (it crashed, timed out or is missing). */
  status: 'pass' | 'fail' | 'skip' | 'error';
  /** The failing assertion or compiler error (fail), the reason (skip), what went wrong (error); null when it passed. */
  message: string | null;
}

/** pass, fail, or skip: nothing failed but some tests did not run. */
export function taskStatus(result: TaskResult): TaskStatus {
  if (result.status === 'fail') return 'fail';
  return result.skipped.length > 0 ? 'skip' : 'pass';
}

/** What the grader says of a task that skipped tests: the first, what it needs, and how to run it. */
export function skipMessage(result: TaskResult): string {
  const [first] = result.skipped;
  const others = result.skipped.length > 1 ? ` (and ${result.skipped.length - 1} more)` : '';
  return `skipped: ${first!.name}${others} — ${first!.reason}; then run \`pnpm grade --task ${result.task.id}\` again`;
}

/** The tests of a task as the report lists them: its compiler errors, its top-level tests, and the file's own failure when no test holds it. */
export function gradedTests(result: TaskResult): GradedTest[] {
  const types = (result.typeErrors ?? []).map((error): GradedTest => ({ name: `type check${error.file === null ? '' : `: ${error.file}:${error.line}:${error.column}`}`, status: 'fail', message: `error TS${error.code}: ${error.message}` }));
  const tests = result.tests.map(({ name, status, message }): GradedTest => ({ name, status, message }));
  const held = types.length > 0 || tests.some((test) => test.status === 'fail');
  if (result.status === 'fail' && !held) tests.push({ name: 'the test file', status: 'error', message: result.message });
  return [...types, ...tests];
}

