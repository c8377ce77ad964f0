import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { TypeChecker } from '../src/typecheck.ts';
import { fixtureFiles, makeFixture } from './fixtures/course.ts';

/** What `tsc -p tsconfig.json --pretty false` prints for the tree, one line per entry, as `course check` used to run it. */
function tsc(dir: string): Promise<string[]> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: dir }, (_, stdout) => {
      resolve(stdout.split('\n').filter((line) => line.trim() !== ''));
    });
  });
}

t.test('the checker kept across changes reports what tsc reports, change after change', async (t) => {
  const course = await makeFixture(t);
  const dir = course.root;
  const checker = new TypeChecker(dir);
  t.teardown(() => checker.close());
  const greet = join(dir, 'packages/demo/src/greet.ts');
  const math = join(dir, 'packages/demo/src/math.ts');
  const base = fixtureFiles();
  const states: [string, () => Promise<void>][] = [
    ['the fixture as written', async () => {}],
    ['a type error', () => writeFile(math, base['packages/demo/src/math.ts']!.replace('return a + b + state.offset;', "return a + b + state.offset + '1';"))],
    ['a second file depends on a changed signature', () => writeFile(math, base['packages/demo/src/math.ts']!.replace('export function double(a: number): number {', 'export function double(a: string): number {'))],
    ['fixed again', () => writeFile(math, base['packages/demo/src/math.ts']!)],
    ['a syntax error: only the syntax is reported', () => writeFile(greet, `${base['packages/demo/src/greet.ts']}\nexport const broken = (;\nconst typeError: number = 'x';\n`)],
    ['an error in a file no one imports', () => writeFile(greet, `${base['packages/demo/src/greet.ts']}\nconst unused: number = 'x';\n`)],
    ['a new file the configuration includes', () => writeFile(join(dir, 'packages/demo/src/extra.ts'), "export const extra: string = 1;\n")],
    ['an option tsc refuses', () => writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'Bundler', types: [] }, include: ['packages/*/src'] }))],
    ['declarations asked for, nothing emitted', () => writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...JSON.parse(base['tsconfig.json']!).compilerOptions, declaration: true }, include: ['packages/*/src'] }))],
    ['a composite project, nothing emitted', () => writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...JSON.parse(base['tsconfig.json']!).compilerOptions, composite: true }, include: ['packages/*/src'] }))],
    ['code to emit (which the checker does not write)', () => writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', strict: true, types: [], outDir: 'out' }, include: ['packages/*/src'] }))],
    ['a configuration that is not JSON', () => writeFile(join(dir, 'tsconfig.json'), '{ "compilerOptions": ')],
    ['back to the fixture', async () => {
      await writeFile(join(dir, 'tsconfig.json'), base['tsconfig.json']!);
      await writeFile(greet, base['packages/demo/src/greet.ts']!);
      await rm(join(dir, 'packages/demo/src/extra.ts'));
    }],
  ];
  for (const [name, change] of states) {
    await change();
    const [ours, theirs] = await Promise.all([checker.check(), tsc(dir)]);
    t.same(ours, theirs, name);
    if (name === 'a type error') t.match(ours.join('\n'), /math\.ts\(5,3\): error TS2322/, 'the error is there');
    if (name === 'the fixture as written') t.same(ours, [], 'the fixture type-checks');
  }
});

t.test('a checker that cannot start says why, each time it is asked', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hallpass-typecheck-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const checker = new TypeChecker(dir);
  await t.rejects(checker.check(), /the type checker failed: .*Cannot find module 'typescript'/);
  await t.rejects(checker.check(), /the type checker failed: .*Cannot find module 'typescript'/, 'and again: it has stopped');
  await checker.close();
});

t.test('a checker stopped in the middle of a check gives an error for it, and for every later check', async (t) => {
  const course = await makeFixture(t);
  const checker = new TypeChecker(course.root);
  const checking = t.rejects(checker.check(), /the type checker failed: stopped/);
  await checker.stop();
  await checking;
  await t.rejects(checker.errorsIn(null), /the type checker failed: stopped/);
  await checker.close();
});
