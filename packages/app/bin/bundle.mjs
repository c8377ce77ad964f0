// One file holding the server and everything it imports, made by esbuild: for
// `pnpm build` from the compiled JavaScript (packages/*/dist), for `pnpm start`
// from the TypeScript sources (packages/*/src).
//
// Why one file: the server imports about 1,800 modules (typebox, Objection and
// lodash, knex, Fastify and its plugins); finding, reading and compiling them
// one by one was most of a start's CPU time. Packages that must stay files of
// their own are left out of the bundle and imported from where pnpm installed
// them: native code (bcrypt), WebAssembly and data files found next to the
// module (PGlite), static files served from the package's folder (swagger-ui).
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';

// Imported from their installed files, by a path relative to the bundle.
const installed = ['bcrypt', '@electric-sql/pglite', '@fastify/swagger-ui'];
// Optional drivers and peers that knex, pg and ioredis import only when asked for: never here. And
// pino-pretty, which the server imports only for LOG_FORMAT=pretty: from node_modules then, so the
// bundle that production and the bench load holds none of it.
const absent = ['pg-native', 'pg-query-stream', 'pg-cloudflare', 'cloudflare:sockets', 'mysql', 'mysql2', 'mariadb', 'mariadb/callback', 'sqlite3', 'better-sqlite3', 'oracledb', 'tedious', 'pino-pretty'];
const nameFilter = (names) => new RegExp(`^(${names.map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})$`);
/** A path from the bundle's folder, as an import or a URL spells it. */
const fromBundle = (outfile, target) => {
  const path = relative(dirname(outfile), target).split('\\').join('/');
  return path.startsWith('.') ? path : `./${path}`;
};

/**
 * Bundles `entry` into `outfile` (an ES module with a linked source map).
 * `modules` matches the project's own module files, whose `new URL(…,
 * import.meta.url)` are rewritten, and `loader` is how esbuild reads them;
 * `conditions` are the export conditions packages resolve with. Resolves to
 * the files the bundle was made from (paths relative to the working
 * directory, as esbuild's metafile gives them).
 */
export async function bundleServer({ entry, outfile, conditions, modules, loader }) {
  /** Leaves the `installed` packages out of the bundle, pointing at the file esbuild would have bundled. */
  const leaveInstalled = {
    name: 'leave-installed',
    setup(bundler) {
      bundler.onResolve({ filter: nameFilter(installed) }, async (args) => {
        if (args.pluginData === 'leave-installed') return undefined;
        const found = await bundler.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'leave-installed' });
        /* c8 ignore next - a dependency missing from node_modules: pnpm install puts it back */
        if (found.errors.length > 0) return { errors: found.errors };
        return { path: fromBundle(outfile, found.path), external: true };
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
      bundler.onLoad({ filter: modules }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const contents = source.replace(/new URL\((['"])([^'"]+)\1, import\.meta\.url\)/g, (_match, quote, path) => {
          const moved = fromBundle(outfile, join(dirname(args.path), path));
          return `new URL(${quote}${moved}${path.endsWith('/') ? '/' : ''}${quote}, import.meta.url)`;
        });
        return { contents, loader };
      });
    },
  };

  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions,
    external: absent,
    plugins: [leaveInstalled, filesNextToModules],
    // The CommonJS packages in the bundle call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as hallpassCreateRequire } from 'node:module'; const require = hallpassCreateRequire(import.meta.url);" },
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  return Object.keys(result.metafile.inputs);
}
