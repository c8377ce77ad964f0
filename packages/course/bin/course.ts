#!/usr/bin/env tsx
/** `pnpm course <command>`: the learner loop and the instructor tools. */
import { course, courseUsage, runCommand } from '../src/cli.ts';
import { defaultCourse } from '../src/course.ts';

/* c8 ignore start - process wiring; the commands are tested through src/cli.ts */
const argv = process.argv.slice(2);
const controller = new AbortController();
if (argv.includes('watch')) {
  // Ctrl-C ends the watch loop cleanly; other commands keep Node's default (stop at once).
  process.on('SIGINT', () => controller.abort());
  process.on('SIGTERM', () => controller.abort());
}
const io = { stdout: process.stdout, stderr: process.stderr, cwd: process.env.INIT_CWD ?? process.cwd() };
process.exitCode = await runCommand(course, argv, { course: defaultCourse(), io, signal: controller.signal }, courseUsage);
/* c8 ignore stop */
