import { execFile } from 'node:child_process';
import { mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { diff, image, mayChange, readExecution, tokens, type Execution } from '../src/execution.ts';
import { RECORDER, TS_LOADER } from '../src/runner.ts';

const run = promisify(execFile);

/** The module under test: a function the program calls, with a branch it never takes, and one it never calls. */
const MODULE = `export interface Shape { size: number }

export function used(a: number): number {
  if (a > 100) {
    return a * 2;
  }
  return a + 1;
}

export function unused(a: number): number {
  return a - 1;
}
`;

const MAIN = "import { used } from './m.ts';\nconsole.log(used(1));\n";

/** Runs `main` with the recorder on `module`, in a folder of its own; gives what the run recorded and the module's path. */
async function record(t: { teardown(fn: () => unknown): void }, module: string, main = MAIN, extra: Record<string, string> = {}): Promise<{ execution: Execution; path: string; dir: string }> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'hallpass-execution-')));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'package.json'), '{"type": "module"}');
  await writeFile(join(dir, 'm.ts'), module);
  await writeFile(join(dir, 'main.ts'), main);
  for (const [name, text] of Object.entries(extra)) await writeFile(join(dir, name), text);
  const records = join(dir, 'records');
  await run('mkdir', [records]);
  await run(process.execPath, ['--import', TS_LOADER, '--import', RECORDER, join(dir, 'main.ts')], { cwd: dir, env: { ...process.env, HALLPASS_RECORD_DIR: records, NODE_V8_COVERAGE: '' } });
  return { execution: await readExecution(records), path: join(dir, 'm.ts'), dir };
}

/** Whether the run of MAIN on MODULE may change once the module reads `changed`. */
async function verdict(t: { teardown(fn: () => unknown): void }, changed: string, main = MAIN, extra: Record<string, string> = {}): Promise<boolean> {
  const before = await record(t, MODULE, main, extra);
  const after = await record(t, changed, main, extra);
  const path = before.path;
  return mayChange(before.execution, path, after.execution.scripts.get(after.path));
}

t.test('the diff: changed stretches that turn the old tokens into the new', async (t) => {
  const apply = (a: string, b: string): string => {
    const [old, now] = [tokens(a).map(([text]) => text), tokens(b).map(([text]) => text)];
    const out: string[] = [];
    let at = 0;
    for (const hunk of diff(old, now)) {
      if (hunk.old[0] < at) t.fail('the changes are in order, without overlap');
      out.push(...old.slice(at, hunk.old[0]), ...now.slice(hunk.now[0], hunk.now[1]));
      at = hunk.old[1];
    }
    return [...out, ...old.slice(at)].join('');
  };
  t.same(diff(['a', 'b'], ['a', 'b']), []);
  t.same(diff(['a', 'b', 'c'], ['a', 'x', 'c']), [{ old: [1, 2], now: [1, 2] }]);
  t.same(tokens('if(a1)  x'), [['if', 0], ['(', 2], ['a1', 3], [')', 5], ['  ', 6], ['x', 8]]);
  for (const [a, b] of [['', 'x'], ['x', ''], ['a b c', 'a c'], ['a c', 'a b c'], ['if(u===null)return null;return f(u)', 'if(u===null){h??=g();return false}return f(u)']]) {
    t.equal(apply(a!, b!), b, `${JSON.stringify(a)} → ${JSON.stringify(b)}`);
  }
  let seed = 7;
  const random = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const text = (): string => Array.from({ length: Math.floor(random() * 40) }, () => 'abcd'[Math.floor(random() * 4)]).join(' ');
  for (let round = 0; round < 200; round++) {
    const [a, b] = [text(), text()];
    if (apply(a, b) !== b) t.fail(`${a} → ${b}`);
  }
  const long = Array.from({ length: 1500 }, (_, index) => `a${index}`);
  const other = Array.from({ length: 1500 }, (_, index) => `b${index}`);
  t.same(diff(long, other), [{ old: [0, 1500], now: [0, 1500] }], 'past the limit of edits: one change throughout');
});

t.test("a hole's edges in the new code", async (t) => {
  // 3 characters put at 5; 10–12 replaced by one character at 13
  const changes = [{ old: [5, 5], now: [5, 8] }, { old: [10, 12], now: [13, 14] }] as const;
  const at = (position: number, edge: 'start' | 'end'): number | null => image(position, changes as never, edge);
  t.equal(at(3, 'start'), 3, 'before any change');
  t.equal(at(5, 'start'), 5, 'a start takes in what was put at it');
  t.equal(at(5, 'end'), 8, 'an end takes in what was put at it');
  t.equal(at(10, 'end'), 13, 'but not a replacement that begins at it');
  t.equal(at(10, 'start'), 13, 'a start takes in a replacement that begins at it');
  t.equal(at(11, 'start'), null, 'inside a change: no such place');
  t.equal(at(12, 'end'), 14, 'where a change ends');
  t.equal(at(20, 'start'), 22, 'after the changes, shifted');
});

t.test('a run is left alone when what changed is only what it never ran', async (t) => {
  t.equal(await verdict(t, MODULE.replace('size: number', 'size: number; name?: string')), false, 'types only: the code is the same');
  t.equal(await verdict(t, MODULE.replace('return a - 1;', 'const b = a * 3;\n  return b - 1;')), false, 'the body of a function never called');
  t.equal(await verdict(t, MODULE.replace('return a * 2;', 'return a * 3;')), false, 'a branch never taken');
  t.equal(await verdict(t, MODULE.replace('return a * 2;', 'return a * 3;').replace('return a - 1;', 'return 0;')), false, 'two of them');
  t.equal(await verdict(t, MODULE.replace('  if (a > 100) {\n    return a * 2;\n  }\n', '  if (a > 100) return a * 2;\n')), false, 'the same code, written otherwise');
  const loops = MODULE.replace('  return a + 1;', '  for (const item of []) {\n    a += item;\n  }\n  try {\n    a += 1;\n  } catch {\n    a = 0;\n  } finally {\n    a += 0;\n  }\n  return a;');
  const before = await record(t, loops);
  const untaken = await record(t, loops.replace('a += item;', 'a -= item;').replace('a = 0;', 'a = -1;'));
  t.equal(mayChange(before.execution, before.path, untaken.execution.scripts.get(untaken.path)), false, 'a loop body never entered, a catch block never run');
  const taken = await record(t, loops.replace('a += 0;', 'a += 2;'));
  t.equal(mayChange(before.execution, before.path, taken.execution.scripts.get(taken.path)), true, 'but a finally block that ran');
});

t.test('a run may change when it ran what changed, or when the change reaches past what it never ran', async (t) => {
  t.equal(await verdict(t, MODULE.replace('return a + 1;', 'return a + 2;')), true, 'code the run ran');
  t.equal(await verdict(t, MODULE.replace('  return a + 1;', '  a++;\n  return a;')), true, 'code put where the run went');
  t.equal(await verdict(t, MODULE.replace('export function unused(a: number)', 'export function unused(a: number, b = 0)')), true, "the head of a function never called: its parameters");
  t.equal(await verdict(t, MODULE.replace('unused', 'spare')), true, 'its name');
  t.equal(await verdict(t, `${MODULE}export const added = 1;\n`), true, 'code at the top of the module');
  t.equal(await verdict(t, MODULE.replace('return a * 2;\n  }', 'return a * 2;\n  }\n  if (a < 0) {\n    return 0;\n  }')), true, 'a new branch beside the one never taken');
  t.equal(await verdict(t, MODULE.replace('return a * 2;', 'var b = 2;\n    return a * b;')), true, 'a var in a branch: its name is seen outside it');
  const stringifies = "import { unused, used } from './m.ts';\nconsole.log(used(1), String(unused).length);\n";
  t.equal(await verdict(t, MODULE.replace('return a - 1;', 'return a - 2;'), stringifies), true, 'the text of a function turned into a string');
  t.equal(await verdict(t, MODULE.replace('return a - 1;', 'a++;\n  return a - 1;'), stringifies), true, 'code put into it');
  const child = [
    "import { spawnSync } from 'node:child_process';",
    "import { used } from './m.ts';",
    'console.log(used(1));',
    "spawnSync(process.execPath, [...process.execArgv, new URL('./child.ts', import.meta.url).pathname], { stdio: 'inherit' });",
    '',
  ].join('\n');
  const extra = { 'child.ts': "import { unused } from './m.ts';\nconsole.log(unused(3));\n" };
  t.equal(await verdict(t, MODULE.replace('return a - 1;', 'return a - 2;'), child, extra), true, 'a function the test never called, but a process it started did');
  const quiet = { 'child.ts': "import { used } from './m.ts';\nconsole.log(used(3));\n" };
  t.equal(await verdict(t, MODULE.replace('return a - 1;', 'return a - 2;'), child, quiet), false, 'while a process that did not call it changes nothing');
});

t.test('a change that reaches past the edge of a branch never taken', async (t) => {
  // made by hand: V8 ran the module and f, not f's then-branch
  const old = 'export function f(x){if(x){return 1;}return 2}';
  const branch = [old.indexOf('{return 1;}'), old.indexOf('{return 1;}') + '{return 1;}'.length];
  const ranges = [{ start: 0, end: old.length, count: 1 }, { start: old.indexOf('function'), end: old.length, count: 1 }, { start: branch[0]!, end: branch[1]!, count: 0 }];
  const execution: Execution = { scripts: new Map([['/m.js', { code: old, format: 'module' }]]), coverage: new Map([['/m.js', [ranges]]]), strings: [], complete: true };
  t.equal(mayChange(execution, '/m.js', { code: 'export function f(x){if(x){return 3;}return 2}', format: 'module' }), false, 'inside the branch');
  t.equal(mayChange(execution, '/m.js', { code: 'export function f(x){if(x){return 3;foo 2}', format: 'module' }), true, 'and a change across its end');
});

t.test('a run may change when its record is not whole', async (t) => {
  const before = await record(t, MODULE);
  const after = await record(t, MODULE.replace('return a - 1;', 'return a - 2;'));
  const next = after.execution.scripts.get(after.path)!;
  t.equal(mayChange(before.execution, before.path, next), false, 'whole: the change is in a function never called');
  t.equal(mayChange({ ...before.execution, complete: false }, before.path, next), true, 'a process without its record');
  t.equal(mayChange({ ...before.execution, strings: null }, before.path, next), true, 'too many functions turned into strings to keep');
  t.equal(mayChange(before.execution, before.path, undefined), true, 'no new code to compare with');
  t.equal(mayChange(before.execution, join(before.dir, 'other.ts'), next), true, 'a module the run did not record');
  t.equal(mayChange(before.execution, before.path, { ...next, format: 'commonjs' }), true, 'a module not loaded as an ES module');
  const coverage = new Map(before.execution.coverage);
  coverage.delete(before.path);
  t.equal(mayChange({ ...before.execution, coverage }, before.path, next), true, 'a module without coverage');

  // a process that started but wrote no record at its end
  const records = await mkdtemp(join(tmpdir(), 'hallpass-execution-records-'));
  t.teardown(() => rm(records, { recursive: true, force: true }));
  await writeFile(join(records, 'started-1'), '');
  t.equal((await readExecution(records)).complete, false);
  await writeFile(join(records, 'run-1.json'), JSON.stringify({ scripts: [], strings: null }));
  t.equal((await readExecution(records)).complete, false, 'a process that turned too many functions into strings to keep them');
  await rm(join(records, 'run-1.json'));
  t.equal((await readExecution(join(records, 'nowhere'))).complete, true, 'no folder: no process, nothing recorded');
  t.same(await readdir(records), ['started-1']);
});
