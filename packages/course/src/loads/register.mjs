// Loaded with `node --import` before a test file when the course tools want to know
// what the test depends on (`course check`). HALLPASS_RECORD_DIR names a folder where
// each process of the run (the test and any child started with its Node flags) writes:
// - `loaded`: every file URL it resolved (hooks.mjs);
// - `code-*.json`: the code each module outside node_modules ran as (hooks.mjs);
// - `run-<pid>.json` at exit: V8's block coverage of those modules, and the text of
//   every function turned into a string (a function's text can matter without it running);
// - `started-<pid>`: a process whose `run-<pid>.json` is missing did not end normally.
import { writeFileSync } from 'node:fs';
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

  process.on('exit', () => {
    // the inspector answers a session of its own thread at once, so this runs before the process ends
    session.post('Profiler.takePreciseCoverage', (error, coverage) => {
      /* c8 ignore next - V8 refusing its coverage: no record, so the run counts as not whole */
      if (error) return;
      const scripts = coverage.result.filter(({ url }) => url.startsWith('file:') && !url.includes('/node_modules/'));
      // past 16 MB of function text, none is kept and the record says so (strings: null)
      /* c8 ignore next */
      const record = size > 16 * 1024 * 1024 ? { scripts, strings: null } : { scripts, strings: [...strings] };
      writeFileSync(join(dir, `run-${process.pid}.json`), JSON.stringify(record));
    });
  });
}
