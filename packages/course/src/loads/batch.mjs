// Runs several test files of one package in one process, one after another:
//   node --import ./typescript.mjs [--import ./register.mjs] batch.mjs <seconds> <file>...
// in the package's folder, with <seconds> for each file's tests.
//
// A test process spends about a second starting (Node, the loader, tap, the app's
// libraries, a database) before its first test; `course check` re-runs dozens of
// earlier tasks' files, and a batch pays that once. Each file runs as a top-level
// subtest of its own, named `<index> <file>`, whose `t` the file sees as tap's
// (batch-hooks.mjs); its teardowns run when its subtest ends, before the next file
// starts. After each file:
// - a file that left process.exitCode set fails, with an assertion of its own
//   right after its subtest (its own process would have exited with that code);
// - when the run is recorded (register.mjs), the coverage since the last file is
//   written as segment <index>, and a line `#<index>` ends the file's part of `loaded`.
import { register } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

register('./batch-hooks.mjs', import.meta.url);
const { root, setCurrent } = await import('hallpass-batch:tap');
const [seconds, ...files] = process.argv.slice(2);
const segment = globalThis[Symbol.for('hallpass.record.segment')];

for (const [index, file] of files.entries()) {
  await root.test(`${index} ${file}`, { timeout: Number(seconds) * 1000 }, async (t) => {
    setCurrent(t);
    await import(pathToFileURL(resolve(file)).href);
  });
  setCurrent(root);
  if (process.exitCode !== undefined && process.exitCode !== 0) {
    root.fail(`${file} set process.exitCode to ${process.exitCode}`);
    process.exitCode = undefined;
  }
  // (a recorded run's coverage is taken from V8 here, which starts its counts again: this line's own is lost)
  /* c8 ignore next */
  segment?.(index);
}
