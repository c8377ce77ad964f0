// Loaded with `node --import` before a test file when the course tools want to know
// what the test depends on (`course check`). HALLPASS_RECORD_DIR names a folder where
// each process of the run (the test and any child started with its Node flags) writes:
// - `loaded`: every file URL it resolved (hooks.mjs);
// - `code-*.json`: the code each module outside node_modules ran as (hooks.mjs);
// - `run-<pid>.json` at exit: V8's block coverage of those modules, and the text of
//   every function turned into a string (a function's text can matter without it running);
// - `started-<pid>`: a process whose `run-<pid>.json` is missing did not end normally;
// - `segment-<n>.json`, in a batch (batch.mjs): the coverage of its test file n alone.
import { appendFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { register } from 'node:module';
import { join } from 'node:path';

const dir = process.env.HALLPASS_RECORD_DIR;
register('./hooks.mjs', import.meta.url, { data: { dir } });

if (dir !== undefined) {
  writeFileSync(join(dir, `started-${process.pid}`), '');
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.startPreciseCoverage', { callCount: false, detailed: true });

  const strings = new Set();
  let size = 0;
  const native = Function.prototype.toString;
  const toString = function toString() {
    if (this === toString) return Reflect.apply(native, native, []);
    const text = Reflect.apply(native, this, []);
    if (!strings.has(text) && !text.endsWith('{ [native code] }')) {
      strings.add(text);
      size += text.length;
    }
    return text;
  };
  Object.defineProperty(Function.prototype, 'toString', { value: toString, writable: true, configurable: true, enumerable: false });

  /** Writes V8's coverage since the last record (taking it starts the counts again) into `name`. */
  const write = (name, strings) => {
    // the inspector answers a session of its own thread at once, so this returns after the write
    session.post('Profiler.takePreciseCoverage', (error, coverage) => {
      /* c8 ignore next - V8 refusing its coverage: no record, so the run counts as not whole */
      if (error) return;
      const scripts = coverage.result.filter(({ url }) => url.startsWith('file:') && !url.includes('/node_modules/'));
      writeFileSync(join(dir, name), JSON.stringify({ scripts, strings }));
    });
  };
  // batch.mjs, after each test file: the coverage of that file's part of the run, and where its part of `loaded` ends
  globalThis[Symbol.for('hallpass.record.segment')] = (index) => {
    write(`segment-${index}.json`, []);
    appendFileSync(join(dir, 'loaded'), `#${index}\n`);
  };
  // past 16 MB of function text, none is kept and the record says so (strings: null)
  /* c8 ignore next */
  process.on('exit', () => write(`run-${process.pid}.json`, size > 16 * 1024 * 1024 ? null : [...strings]));
}
