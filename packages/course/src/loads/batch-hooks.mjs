// Module hooks of batch.mjs (on the hooks thread): every `import ... from 'tap'` of
// the test files, and the driver's own, gets one module in place of tap. Its default
// export (and `t`) is a live binding the driver points at the running file's subtest,
// so that each file's top-level `t` is a subtest of its own: its tests, assertions
// and teardowns stay within it, as they would in a process of its own.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const SHIM = 'hallpass-batch:tap';
/** The URL of the tap the test package has installed (resolved from the working folder, the package's). */
let tap;

export async function resolve(specifier, context, next) {
  const fromOwnCode = context.parentURL?.startsWith('file:') && !context.parentURL.includes('/node_modules/');
  if (specifier !== SHIM && !(specifier === 'tap' && fromOwnCode)) return next(specifier, context);
  tap ??= (await next('tap', { ...context, parentURL: pathToFileURL(join(process.cwd(), 'package.json')).href })).url;
  return { url: SHIM, shortCircuit: true };
}

export async function load(url, context, next) {
  if (url !== SHIM) return next(url, context);
  const from = JSON.stringify(tap);
  const source = [
    `import root from ${from};`,
    `export * from ${from};`,
    'let current = root;',
    'export { current as default, current as t, root };',
    'export function setCurrent(test) { current = test; }',
    '',
  ].join('\n');
  return { format: 'module', source, shortCircuit: true };
}
