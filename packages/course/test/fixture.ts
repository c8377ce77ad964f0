/**
 * A tiny course on disk for the tools' tests: one package, `demo`, with three
 * tasks whose tests take a second each. `options` break it on purpose.
 */
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Course } from '../src/course.ts';
import type { Io, Stream } from '../src/io.ts';
import type { Task } from '../src/manifest.ts';

const here = dirname(fileURLToPath(import.meta.url));
/** The tap and typescript this package uses, linked into fixtures instead of installed. */
const tapDir = await realpath(join(here, '..', 'node_modules', 'tap'));
const typescriptDir = await realpath(join(here, '..', '..', '..', 'node_modules', 'typescript'));

export const fixtureTasks: Task[] = [
  { id: 0, slug: 'add', title: 'add two numbers', package: 'demo' as Task['package'], original: '`add` in math.py' },
  { id: 1, slug: 'double', title: 'double a number', package: 'demo' as Task['package'], original: '`double` in math.py' },
  { id: 2, slug: 'greet', title: 'greet someone', package: 'demo' as Task['package'], original: '`greet` in greet.py' },
];

/** Task 02's stub message: long, as real ones can be. */
export const GREET_STUB = 'task 02 is not done yet: write greet, which greets the name it is given with a comma and an exclamation mark';

/** Marker lines, built so that this file holds none itself. */
export const M = { region: (id: string) => `// #${'region'} task-${id}`, stub: `// #${'stub'}`, end: `// #${'endregion'}` };

export interface FixtureOptions {
  /** Task 01's stub returns the right answer: its tests pass with the stub. */
  passingStub?: boolean;
  /** Task 02's solution changes what `add` does: task 00's tests break once it is solved. */
  breakingSolution?: boolean;
  /** Task 02's stub refers to a name that does not exist: the tree does not type-check. */
  typeError?: boolean;
  /** Leave out task 02's test file. */
  missingTest?: boolean;
  /** Files to add or replace, by path. */
  files?: Record<string, string>;
}

export function fixtureFiles(options: FixtureOptions = {}): Record<string, string> {
  const math = [
    'export const state = { offset: 0 };',
    '',
    'export function add(a: number, b: number): number {',
    `  ${M.region('00')}`,
    '  return a + b + state.offset;',
    `  ${M.stub}`,
    "  // throw new Error('task 00 is not done yet: write add');",
    `  ${M.end}`,
    '}',
    '',
    'export function double(a: number): number {',
    `  ${M.region('01')}`,
    '  return add(a, a);',
    `  ${M.stub}`,
    options.passingStub ? '  // return a * 2;' : "  // throw new Error('task 01 is not done yet: write double');",
    `  ${M.end}`,
    '}',
    '',
  ].join('\n');
  const greet = [
    "import { state } from './math.ts';",
    '',
    M.region('02'),
    options.breakingSolution ? 'state.offset = 1;' : 'void state;',
    'export function greet(name: string): string {',
    '  // a comment of the solution',
    '  return `Hello, ${name}!`;',
    '}',
    M.stub,
    ...(options.typeError
      ? ['// export const greet = notDefinedAnywhere;', '// void [n1, n2, n3, n4, n5, n6, n7, n8, n9, n10];']
      : ['// export function greet(_name: string): string {', `//   throw new Error('${GREET_STUB}');`, '// }']),
    M.end,
    '',
  ].join('\n');
  const test = (file: string, name: string, body: string): [string, string] => [
    `packages/demo/test/${file}`,
    `import t from 'tap';\n${name}\n${body}\n`,
  ];
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'fixture', private: true, type: 'module' }),
    'tsconfig.json': JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, allowImportingTsExtensions: true, types: [], skipLibCheck: true },
      include: ['packages/*/src'],
    }),
    'README.md': `# fixture\n\nA marker example that is not a region:\n\n\`\`\`ts\n${M.region('00')}\n${M.end}\n\`\`\`\n`,
    'packages/README.md': 'The packages of the fixture course.\n',
    'packages/demo/package.json': JSON.stringify({ name: '@fixture/demo', private: true, type: 'module' }),
    'packages/demo/src/math.ts': math,
    'packages/demo/src/greet.ts': greet,
    // a region outside the packages: every package may see it
    'scripts/version.ts': [M.region('02'), "export const version = '1.0.0';", M.stub, "// export const version = '0.0.0';", M.end, ''].join('\n'),
    'packages/demo/src/index.ts': "export * from './math.ts';\nexport * from './greet.ts';\n",
    'docs/tasks/00-add.md': '# Task 00 — add\n\n## Goal\n\nAdd.\n\n## Hints\n\n- Use `+`.\n\n## After\n\nNothing.\n',
    'docs/tasks/01-double.md': '# Task 01 — double\n\n## Hints\n\n- Call `add`.\n',
    'docs/tasks/02-greet.md': '# Task 02 — greet\n\nNo hints here.\n',
    ...Object.fromEntries([
      test('task-00-add.test.ts', "import { add } from '../src/index.ts';", "t.test('add adds', async (t) => {\n  t.equal(add(1, 2), 3);\n});\nt.test('add adds negatives', async (t) => {\n  t.equal(add(-1, -2), -3);\n});"),
      test('task-01-double.test.ts', "import { double } from '../src/math.ts';", "t.test('double doubles', async (t) => {\n  t.equal(double(4), 8, 'four doubled is eight');\n});"),
      ...(options.missingTest ? [] : [test('task-02-greet.test.ts', "import { greet } from '../src/greet.ts';", "t.equal(greet('Ada'), 'Hello, Ada!');")]),
    ]),
    ...options.files,
  };
  return files;
}

/** Writes the fixture in a new folder (removed when `t` ends) and links tap and typescript into it. */
export async function makeFixture(t: { teardown(fn: () => unknown): void }, options: FixtureOptions = {}): Promise<Course> {
  const root = await mkdtemp(join(tmpdir(), 'hallpass-course-fixture-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await writeFiles(root, fixtureFiles(options));
  await linkTools(root);
  return { root, tasks: fixtureTasks };
}

export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), text);
  }
}

/** What a `pnpm install` gives a fixture: tap for its package, typescript at the root. */
export async function linkTools(root: string): Promise<void> {
  await mkdir(join(root, 'packages/demo/node_modules'), { recursive: true });
  await symlink(tapDir, join(root, 'packages/demo/node_modules/tap'));
  // a scoped link to a workspace package (itself), and a dangling link, as installs have
  await mkdir(join(root, 'packages/demo/node_modules/@fixture'), { recursive: true });
  await symlink('../..', join(root, 'packages/demo/node_modules/@fixture/demo'));
  await symlink(join(root, 'nowhere'), join(root, 'packages/demo/node_modules/gone'));
  await mkdir(join(root, 'node_modules'), { recursive: true });
  await symlink(typescriptDir, join(root, 'node_modules/typescript'));
}

/** An Io that records what is written. */
export function recorder(cwd = process.cwd()): Io & { out: () => string; err: () => string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const stream = (into: string[]): Stream => ({ write: (text: string) => into.push(text) });
  return { stdout: stream(stdout), stderr: stream(stderr), cwd, out: () => stdout.join(''), err: () => stderr.join('') };
}
