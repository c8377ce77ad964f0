// `pnpm build`: compiles the service and the packages it uses to JavaScript
// (tsc project references, each package's src/ to its dist/), copies the files
// tsc does not emit (the /try page's HTML, CSS and browser module), then bundles
// the compiled server and everything it imports into one file,
// `packages/app/dist/server.mjs`, which `pnpm start:prod` runs.
//
// Why one file: the compiled server imports about 1,800 modules (typebox,
// Objection and lodash, knex, Fastify and its plugins); finding, reading and
// compiling them one by one was most of the production start's CPU time.
// Packages that must stay files of their own are left out of the bundle and
// imported from where pnpm installed them: native code (bcrypt), WebAssembly
// and data files found next to the module (PGlite), static files served from the
// package's folder (swagger-ui).
import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const appDir = fileURLToPath(new URL('../', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: appDir, stdio: 'inherit' });
/* c8 ignore next - only a type error in the source fails the compile, and the tree under test has none */
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
cpSync(new URL('../src/try/', import.meta.url), new URL('../dist/try/', import.meta.url), { recursive: true });

const outfile = fileURLToPath(new URL('../dist/server.mjs', import.meta.url));
// Imported from their installed files, by a path relative to the bundle.
const installed = ['bcrypt', '@electric-sql/pglite', '@fastify/swagger-ui'];
// Optional drivers and peers that knex, pg and ioredis import only when asked for: never here. And
// pino-pretty, which the server imports only for LOG_FORMAT=pretty: from node_modules then, so the
// bundle that production and the bench load holds none of it.
const absent = ['pg-native', 'pg-query-stream', 'pg-cloudflare', 'cloudflare:sockets', 'mysql', 'mysql2', 'mariadb', 'mariadb/callback', 'sqlite3', 'better-sqlite3', 'oracledb', 'tedious', 'pino-pretty'];
const nameFilter = (names) => new RegExp(`^(${names.map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})$`);

/** Leaves the `installed` packages out of the bundle, pointing at the file esbuild would have bundled. */
const leaveInstalled = {
  name: 'leave-installed',
  setup(bundler) {
    bundler.onResolve({ filter: nameFilter(installed) }, async (args) => {
      if (args.pluginData === 'leave-installed') return undefined;
      const found = await bundler.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'leave-installed' });
      /* c8 ignore next - a dependency missing from node_modules: pnpm install puts it back */
      if (found.errors.length > 0) return { errors: found.errors };
      return { path: `./${relative(dirname(outfile), found.path).split('\\').join('/')}`, external: true };
    });
  },
};

/**
 * Files found next to a module (`new URL('../try/', import.meta.url)`: the /try
 * page, the password blocklist, the data folder) are found from the bundle's
 * folder once bundled: each such URL is rewritten to point at the same file from
 * there.
 */
const filesNextToModules = {
  name: 'files-next-to-modules',
  setup(bundler) {
    bundler.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]dist[\\/].*\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const contents = source.replace(/new URL\((['"])([^'"]+)\1, import\.meta\.url\)/g, (_match, quote, path) => {
        const target = join(dirname(args.path), path);
        const moved = relative(dirname(outfile), target).split('\\').join('/');
        return `new URL(${quote}${moved.startsWith('.') ? '' : './'}${moved}${path.endsWith('/') ? '/' : ''}${quote}, import.meta.url)`;
      });
      return { contents, loader: 'js' };
    });
  },
};

await build({
  entryPoints: [fileURLToPath(new URL('../dist/server.js', import.meta.url))],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['hallpass-dist'],
  external: absent,
  plugins: [leaveInstalled, filesNextToModules],
  // The CommonJS packages in the bundle call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as hallpassCreateRequire } from 'node:module'; const require = hallpassCreateRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
});
