import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { course as courseCommand, courseUsage, runCommand, type CliContext } from '../src/cli.ts';
import { CourseError } from '../src/course.ts';
import { INDEX_PAGE } from '../src/docs.ts';
import { makeFixture, recorder } from './fixtures/course.ts';

async function cli(context: CliContext, ...argv: string[]): Promise<number> {
  return runCommand(courseCommand, argv, context, courseUsage);
}

t.test('help and usage mistakes', async (t) => {
  const course = await makeFixture(t);
  const io = recorder(course.root);
  t.equal(await cli({ course, io }), 2, 'no command is a usage error');
  t.equal(io.out(), courseUsage);
  t.equal(await cli({ course, io: recorder() }, 'help'), 0);
  t.equal(await cli({ course, io: recorder() }, '--', '--help'), 0);
  const cases: [string[], RegExp][] = [
    [['fly'], /unknown command "fly"/],
    [['new'], /course new takes one folder/],
    [['new', 'a', 'b'], /course new takes one folder/],
    [['check', '--fast'], /unknown option "--fast"/],
    [['check', '--keep=yes'], /--keep takes no value/],
    [['check', '--jobs'], /--jobs needs a value/],
    [['check', '--jobs=0'], /--jobs takes a positive number/],
    [['check', 'extra'], /unexpected argument "extra" for course check/],
    [['check', '--jobs', '2', 'extra'], /unexpected argument "extra" for course check/],
    [['hint', '--', 'x'], /course hint takes a task number/],
    [['hint', 'x'], /course hint takes a task number, got "x"/],
    [['hint', '1', '2'], /unexpected argument "2" for course hint/],
    [['hint', '9'], /no task 9 in the manifest/],
    [['hint', '--every'], /unknown option "--every"/],
    [['solution'], /course solution takes a task number: pnpm course solution N/],
    [['solution', 'x'], /course solution takes a task number, got "x"/],
    [['solution', '1', '2'], /unexpected argument "2" for course solution/],
    [['reset'], /course reset takes a task number: pnpm course reset N/],
    [['reset', '1', '2'], /unexpected argument "2" for course reset/],
    [['list', 'x'], /unexpected argument/],
    [['verify', 'x'], /unexpected argument/],
    [['watch', 'x'], /unexpected argument/],
    [['docs', 'x'], /unexpected argument/],
  ];
  for (const [argv, message] of cases) {
    const bad = recorder();
    t.equal(await cli({ course, io: bad }, ...argv), 2, argv.join(' '));
    t.match(bad.err(), message);
    t.match(bad.err(), /usage: pnpm course <command>/);
  }
  const failing = recorder();
  t.equal(await runCommand(async () => { throw new CourseError('it broke'); }, [], { course, io: failing }, ''), 1);
  t.equal(failing.err(), 'error: it broke\n');
  await t.rejects(runCommand(async () => { throw new TypeError('a bug'); }, [], { course, io: failing }, ''), TypeError, 'bugs keep their stack');
});

t.test('every command is reachable from the command line', async (t) => {
  const course = await makeFixture(t);
  let io = recorder(course.root);
  t.equal(await cli({ course, io }, 'docs', '--check'), 1);
  t.match(io.err(), `${INDEX_PAGE} is not current`);
  io = recorder(course.root);
  t.equal(await cli({ course, io }, 'docs'), 0);
  t.equal(io.out(), `wrote ${INDEX_PAGE}\n`);
  io = recorder(course.root);
  t.equal(await cli({ course, io }, 'docs'), 0);
  t.equal(io.out(), `${INDEX_PAGE} is up to date\n`);
  io = recorder(course.root);
  t.equal(await cli({ course, io }, 'docs', '--check'), 0);
  t.equal(io.out(), 'docs are current\n');

  io = recorder(course.root);
  t.equal(await cli({ course, io }, 'hint', '0', '--all'), 0);
  t.match(io.out(), /Hint 1 of 1:\nUse `\+`/);
  io = recorder(course.root);
  t.equal(await cli({ course, io }, 'reset', '0'), 1, 'solution and reset need a learner workspace');
  t.match(io.err(), /no \.course\/reference\.dat here/);

  const parent = await mkdtemp(join(tmpdir(), 'hallpass-cli-'));
  t.teardown(() => rm(parent, { recursive: true, force: true }));
  io = recorder(parent);
  t.equal(await cli({ course, io }, 'new', 'learn', '--no-git'), 0);
  t.ok(await readFile(join(parent, 'learn/.course/workspace.json'), 'utf8'));

  io = recorder(course.root);
  t.equal(await cli({ course, io }, 'check', '--no-typecheck', '--no-batch'), 0, io.err());
  t.match(io.out(), /staging OK/);

  io = recorder(course.root);
  t.equal(await cli({ course, io }, 'verify'), 0);
  io = recorder(course.root);
  t.equal(await cli({ course, io }, 'list'), 0);
  t.match(io.out(), /3 of 3 tasks done/);
  io = recorder(course.root);
  t.equal(await cli({ course, io }, 'hint'), 0);
  t.match(io.out(), /Every task passes/);

  const stop = new AbortController();
  stop.abort();
  io = recorder(course.root);
  t.equal(await cli({ course, io, signal: stop.signal }, 'watch'), 0);
  t.match(io.out(), /stopped watching/);
});
