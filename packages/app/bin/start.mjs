// `pnpm start`: runs the server from its TypeScript sources, without a build step.
// esbuild (the compiler tsx uses too) bundles the sources and the packages they
// import into one file, which loads much faster than ~1,800 modules one by one
// (bin/bundle.mjs). The bundle is kept in node_modules/.cache/hallpass-start/
// and made again only when a file it was made from changed since, so a restart
// without an edit skips even that. Stack traces name the .ts files (source maps).
// Started directly by `pnpm start` at the root, so only one process sits
// between the terminal and the server, and Ctrl-C reaches it.
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleServer } from './bundle.mjs';

const cache = process.env.HALLPASS_START_CACHE || fileURLToPath(new URL('../node_modules/.cache/hallpass-start/', import.meta.url));
const outfile = join(cache, 'server.mjs');
const inputsFile = join(cache, 'inputs.json');

/** Whether the bundle is newer than every file it was made from, and than this launcher and its bundler. */
async function upToDate() {
  const made = await stat(outfile).then((found) => found.mtimeMs, () => null);
  if (made === null) return false;
  const inputs = await readFile(inputsFile, 'utf8').then(JSON.parse, () => null);
  if (!Array.isArray(inputs)) return false;
  const sources = [...inputs, fileURLToPath(import.meta.url), fileURLToPath(new URL('bundle.mjs', import.meta.url))];
  const times = await Promise.all(sources.map((file) => stat(file).then((found) => found.mtimeMs, () => Number.POSITIVE_INFINITY)));
  return times.every((time) => time < made);
}

if (!(await upToDate())) {
  // Dated from before it is made: a file saved while esbuild reads the sources is newer, so the next start makes it again.
  const began = new Date();
  const inputs = await bundleServer({
    entry: fileURLToPath(new URL('../src/server.ts', import.meta.url)),
    outfile,
    // The packages' sources, as tsx and the tests load them (no `hallpass-dist` condition).
    conditions: [],
    modules: /[\\/]packages[\\/][^\\/]+[\\/]src[\\/].*\.ts$/,
    loader: 'ts',
  });
  await writeFile(inputsFile, JSON.stringify(inputs.map((input) => resolve(input))));
  await utimes(outfile, began, began);
}
process.setSourceMapsEnabled(true);
await import(pathToFileURL(outfile).href);
