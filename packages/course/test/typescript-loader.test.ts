import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { TS_LOADER } from '../src/runner.ts';

const run = promisify(execFile);

interface Ran {
  stdout: string;
  stderr: string;
  code: number;
}

/** A folder of files (a `package.json` of type module included) and a cache folder of its own. */
async function project(t: { teardown(fn: () => unknown): void }, files: Record<string, string>): Promise<{ dir: string; cache: string }> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'hallpass-loader-')));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries({ 'package.json': '{"type": "module"}', ...files })) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  const cache = join(dir, '.tmp');
  await mkdir(cache);
  return { dir, cache };
}

/** Runs `main` of the project with the course's loader; its compiled files are kept under the project's `.tmp`. */
async function runMain(where: { dir: string; cache: string }, main = 'main.ts'): Promise<Ran> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', TS_LOADER, join(where.dir, main)], { cwd: where.dir, env: { ...process.env, TMPDIR: where.cache } });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const { stdout, stderr, code } = error as { stdout: string; stderr: string; code: number };
    return { stdout, stderr, code };
  }
}

async function compiledFiles(cache: string): Promise<string[]> {
  const [folder] = (await readdir(cache)).filter((name) => name.startsWith('hallpass-ts-'));
  return folder === undefined ? [] : readdir(join(cache, folder));
}

t.test('runs TypeScript: types stripped, imports as written', async (t) => {
  const where = await project(t, {
    'main.ts': "import { twice } from './lib.ts';\nconst n: number = twice(21);\nconsole.log(n);\n",
    'lib.ts': 'export function twice(n: number): number {\n  return n * 2;\n}\n',
  });
  const ran = await runMain(where);
  t.equal(ran.stdout, '42\n');
  t.equal((await compiledFiles(where.cache)).length, 2, 'each file compiled once and kept');
  t.equal((await runMain(where)).stdout, '42\n', 'the kept files serve the next run');
  t.equal((await compiledFiles(where.cache)).length, 2, 'nothing compiled again');

  await writeFile(join(where.dir, 'lib.ts'), 'export function twice(n: number): number {\n  return n + n + 1;\n}\n');
  t.equal((await runMain(where)).stdout, '43\n', 'a changed file is compiled again');
  t.equal((await compiledFiles(where.cache)).length, 3);
});

t.test('relative imports may name a .ts file as .js or without its extension', async (t) => {
  const where = await project(t, {
    'main.ts': "import { a } from './a.js';\nimport { b } from './b';\nimport { c } from './c';\nconsole.log(a + b + c);\n",
    'a.ts': "export const a = 'a';\n",
    'b.ts': "export const b = 'b';\n",
    'c/index.ts': "export const c = 'c';\n",
  });
  t.equal((await runMain(where)).stdout, 'abc\n');
  const missing = await project(t, { 'main.ts': "import { x } from './nowhere';\nconsole.log(x);\n" });
  const ran = await runMain(missing);
  t.not(ran.code, 0);
  t.match(ran.stderr, /ERR_MODULE_NOT_FOUND/, 'a file that is not there is still an error');
});

t.test("the nearest tsconfig.json decides what an import used only as a type leaves", async (t) => {
  const files = {
    'main.ts': "import { Shape } from './side-effect.ts';\nconst s: Shape = { size: 1 };\nconsole.log(s.size);\n",
    'side-effect.ts': "console.log('side effect');\nexport class Shape { size = 0; }\n",
  };
  const elided = await project(t, files);
  t.equal((await runMain(elided)).stdout, '1\n', 'without verbatimModuleSyntax the import is dropped, as tsc drops it');

  const kept = await project(t, {
    ...files,
    'tsconfig.json': '{\n  // as the course repository says\n  "extends": "./base.json",\n}\n',
    'base.json': '{ "compilerOptions": { /* keep imports */ "verbatimModuleSyntax": true, }, }',
  });
  t.equal((await runMain(kept)).stdout, 'side effect\n1\n', 'with it (through extends, comments and trailing commas) the import stays');

  const broken = await project(t, { ...files, 'tsconfig.json': '{ "compilerOptions": ' });
  t.match((await runMain(broken)).stderr, /tsconfig\.json: not a readable tsconfig/);
});

t.test('a syntax error names the file, line and column', async (t) => {
  const where = await project(t, { 'main.ts': "const x: number = 1;\nconst y = (x +;\nconsole.log(y);\n" });
  const ran = await runMain(where);
  t.not(ran.code, 0);
  t.match(ran.stderr, new RegExp(`SyntaxError.*: ${where.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/main\\.ts:2:\\d+: `));
  t.equal((await compiledFiles(where.cache)).length, 0, 'nothing kept');
});

t.test('an error is reported with the line of the .ts file', async (t) => {
  const where = await project(t, { 'main.ts': "type Unused = { a: string };\n\n\nfunction fail(): never {\n  throw new Error('here');\n}\nfail();\n" });
  const ran = await runMain(where);
  t.match(ran.stderr, /main\.ts:5:\d+/, 'the source map points to line 5');
});

t.test('a cache folder that others may write to is not used', async (t) => {
  const where = await project(t, { 'main.ts': "const n: number = 7;\nconsole.log(n);\n" });
  const folder = join(where.cache, `hallpass-ts-${process.getuid?.() ?? 'user'}`);
  await mkdir(folder);
  await chmod(folder, 0o777);
  t.equal((await runMain(where)).stdout, '7\n', 'the file still runs');
  t.same(await readdir(folder), [], 'compiled, but nothing read from or written to that folder');
});

/** A package named like one the loader bundles (typebox): two entry points sharing a module with state. */
function manyModules(extra: Record<string, unknown> = {}, indexExtra = ''): Record<string, string> {
  return {
    'node_modules/typebox/package.json': JSON.stringify({
      name: 'typebox',
      version: '9.9.9',
      type: 'module',
      exports: { '.': './build/index.mjs', './value': { import: './build/value/index.mjs', default: './build/value/index.mjs' }, './data.json': './data.json' },
      ...extra,
    }),
    'node_modules/typebox/data.json': '{}',
    'node_modules/typebox/build/shared.mjs': 'globalThis.loads = (globalThis.loads ?? 0) + 1;\nexport const registry = new Map();\n',
    'node_modules/typebox/build/index.mjs': `import { registry } from './shared.mjs';\nexport function set(key, value) { registry.set(key, value); }\nexport const where = new Error().stack;\nexport default 'typebox';\n${indexExtra}`,
    'node_modules/typebox/build/value/index.mjs': "import { registry } from '../shared.mjs';\nexport function get(key) { return registry.get(key); }\n",
    'main.ts': "import name, { set, where } from 'typebox';\nimport { get } from 'typebox/value';\nset('a', 1);\nconsole.log(name, get('a'), (globalThis as { loads?: number }).loads, where.includes('/node_modules/typebox/build/') ? 'files' : 'bundle');\n",
  };
}

t.test('a package of many ES modules (TypeBox) loads as one bundle, each module running once', async (t) => {
  const where = await project(t, manyModules());
  t.equal((await runMain(where)).stdout, 'typebox 1 1 bundle\n', 'both entry points share one registry, from the bundle');
  const [folder] = await compiledFiles(where.cache).then((names) => names.filter((name) => name === 'node_modules'));
  t.ok(folder, 'the bundle is kept in the cache folder');
  const cached = join(where.cache, `hallpass-ts-${process.getuid?.() ?? 'user'}`, 'node_modules');
  const bundles = await readdir(cached);
  t.match(bundles, [/^typebox@9\.9\.9-[0-9a-f]{32}$/], 'one bundle, named by version and a digest of the package');
  t.equal((await runMain(where)).stdout, 'typebox 1 1 bundle\n', 'the next run uses it');
  t.same(await readdir(cached), bundles, 'without building it again');

  const withDependencies = await project(t, manyModules({ dependencies: { other: '1.0.0' } }));
  t.equal((await runMain(withDependencies)).stdout, 'typebox 1 1 files\n', 'a package with dependencies loads module by module');
  const locating = await project(t, manyModules({}, 'export const here = import.meta.url;\n'));
  t.equal((await runMain(locating)).stdout, 'typebox 1 1 files\n', 'so does one whose modules find files from their own location');
  const exports = { '.': './build/index.mjs', './value': './build/value/index.mjs', './lib/*': './build/*.mjs' };
  const anyModule = await project(t, manyModules({ exports }));
  t.equal((await runMain(anyModule)).stdout, 'typebox 1 1 files\n', 'and one whose exports let an import reach any of its modules');
});
