#!/usr/bin/env tsx
/** `pnpm grade [--task N] [--package NAME] [--json [file]]`: the per-task scorecard. */
import { runCommand } from '../src/cli.ts';
import { defaultCourse } from '../src/course.ts';
import { grade, gradeUsage } from '../src/grade.ts';

/* c8 ignore start - process wiring; grading is tested through src/grade.ts */
const io = { stdout: process.stdout, stderr: process.stderr, cwd: process.env.INIT_CWD ?? process.cwd() };
process.exitCode = await runCommand((argv, { course, io }) => grade(argv, course, io), process.argv.slice(2), { course: defaultCourse(), io }, gradeUsage);
/* c8 ignore stop */
