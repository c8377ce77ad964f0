// The TypeScript loader of the course's test processes: `node --import` it before a
// test file. It strips the types of each .ts file with esbuild as Node loads it and
// keeps the result on disk, so the next run of an unchanged file skips esbuild.
// Everything else (the packages in node_modules) loads exactly as Node loads it: a
// test process loads about a thousand such modules, and a loader that looks at each
// of them (as tsx does) adds a third to the process's CPU time.
import { register } from 'node:module';

// Error stacks point into the .ts files (each compiled file carries its source map).
process.setSourceMapsEnabled(true);
register('./typescript-hooks.mjs', import.meta.url);
