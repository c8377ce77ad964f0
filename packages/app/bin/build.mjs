// `pnpm build`: compiles the service and the packages it uses to JavaScript
// (tsc project references, each package's src/ to its dist/), copies the files
// tsc does not emit (the /try page's HTML, CSS and browser module), then bundles
// the compiled server and everything it imports into one file,
// `packages/app/dist/server.mjs`, which `pnpm start:prod` runs (bin/bundle.mjs
// says why one file, and what stays out of it).
import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { bundleServer } from './bundle.mjs';

const appDir = fileURLToPath(new URL('../', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: appDir, stdio: 'inherit' });
/* c8 ignore next - only a type error in the source fails the compile, and the tree under test has none */
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
cpSync(new URL('../src/try/', import.meta.url), new URL('../dist/try/', import.meta.url), { recursive: true });

await bundleServer({
  entry: fileURLToPath(new URL('../dist/server.js', import.meta.url)),
  outfile: fileURLToPath(new URL('../dist/server.mjs', import.meta.url)),
  // The compiled packages: their `hallpass-dist` export, and their .js files.
  conditions: ['hallpass-dist'],
  modules: /[\\/]packages[\\/][^\\/]+[\\/]dist[\\/].*\.js$/,
  loader: 'js',
});
