// Module hooks of typescript.mjs (they run on a thread of their own).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

/** How esbuild compiles every file; the compiler options come from the file's tsconfig.json. */
const OPTIONS = { loader: 'ts', format: 'esm', target: `node${process.versions.node}`, sourcemap: 'inline' };
const TYPESCRIPT = /\.m?ts$/;
const CACHE = join(tmpdir(), `hallpass-ts-${process.getuid?.() ?? 'user'}`);
// esbuild's version, read without loading esbuild: a run whose files are all cached never loads it.
const SALT = `${createRequire(import.meta.url)('esbuild/package.json').version}\n${JSON.stringify(OPTIONS)}\n`;
/** The compiler options in force in each folder, as JSON (tsconfig.json, read once per folder). */
const optionsByFolder = new Map();
let esbuild;
/** Whether the cache folder is ours alone (null: not looked at yet). */
let cacheUsable = null;

/**
 * The cache folder, made if missing, when only this user can write to it:
 * compiled code found there runs as the learner's, so a folder someone else
 * made or can write to is not used (every file is then compiled each run).
 */
function cacheFolder() {
  if (cacheUsable === null) {
    try {
      mkdirSync(CACHE, { recursive: true, mode: 0o700 });
      const stats = statSync(CACHE);
      cacheUsable = stats.isDirectory() && (process.getuid === undefined || stats.uid === process.getuid()) && (stats.mode & 0o022) === 0;
    } catch {
      cacheUsable = false;
    }
  }
  return cacheUsable ? CACHE : null;
}

/**
 * Packages loaded as one bundle rather than module by module. TypeBox is about 700
 * ES modules; each one costs the process a trip to this thread and back to resolve
 * it and another to load it, well over a second of CPU in every test process that
 * imports it. Bundled once (esbuild, code splitting: each entry point of the
 * package's `exports` a file, the modules they share in chunks of their own, so
 * every module still runs once), it loads as a dozen files. Only a package without
 * dependencies is bundled, so that the bundle has no imports to resolve elsewhere,
 * and only one whose modules do not look for files beside themselves.
 */
const BUNDLED = new Set(['typebox']);
/** For each bundled package's folder: its entry files' paths → the URLs of their bundled files (null: loaded module by module). */
const bundles = new Map();

/** Relative imports as tsx takes them: `./x.js` and `./x` may name `./x.ts`; an entry point of a package of BUNDLED, its bundle. */
export async function resolve(specifier, context, next) {
  const resolved = await resolveFile(specifier, context, next);
  const bundled = resolved.url.startsWith('file:') && resolved.url.includes('/node_modules/') ? await bundledEntry(fileURLToPath(resolved.url)) : undefined;
  return bundled === undefined ? resolved : { url: bundled, format: 'module', shortCircuit: true };
}

async function resolveFile(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    const fromTypeScript = context.parentURL !== undefined && TYPESCRIPT.test(context.parentURL);
    const notFound = error?.code === 'ERR_MODULE_NOT_FOUND' || error?.code === 'ERR_UNSUPPORTED_DIR_IMPORT';
    if (!notFound || !fromTypeScript || !/^\.{1,2}\//.test(specifier)) throw error;
    const stem = specifier.replace(/\.js$/, '');
    for (const candidate of [`${stem}.ts`, `${stem}/index.ts`]) {
      try {
        return await next(candidate, context);
      } catch {
        // try the next spelling
      }
    }
    throw error;
  }
}

/** The URL of `file`'s bundle when `file` is an entry point of a package of BUNDLED (bundled now if it is not yet). */
async function bundledEntry(file) {
  const at = file.lastIndexOf('/node_modules/') + '/node_modules/'.length;
  const parts = file.slice(at).split('/');
  const name = parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  if (!BUNDLED.has(name)) return undefined;
  const root = file.slice(0, at + name.length);
  if (!bundles.has(root)) bundles.set(root, await bundle(root));
  return bundles.get(root)?.get(file);
}

/**
 * The package in `root` bundled into the cache folder (or found there from an
 * earlier run): a map of its entry files to their bundles, or null when it is
 * not to be bundled (dependencies, no entry point, no cache folder, a failed build).
 */
async function bundle(root) {
  const folder = cacheFolder();
  let manifest;
  try {
    manifest = readFileSync(join(root, 'package.json'), 'utf8');
  } catch {
    return null;
  }
  const pkg = JSON.parse(manifest);
  const entries = [...new Set(entryFiles(pkg).map((file) => resolvePath(root, file)))].filter((file) => /\.m?js$/.test(file) && existsSync(file));
  if (folder === null || entries.length === 0 || Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies }).length > 0) return null;
  const key = createHash('sha256').update(SALT).update(root).update('\0').update(manifest).digest('hex').slice(0, 32);
  const out = join(folder, 'node_modules', `${pkg.name.replace('/', '+')}@${pkg.version}-${key}`);
  if (!existsSync(join(out, 'entries.json'))) {
    esbuild ??= await import('esbuild');
    mkdirSync(dirname(out), { recursive: true, mode: 0o700 });
    const partial = mkdtempSync(`${out}.tmp-`);
    try {
      const names = entries.map((file, index) => ({ in: file, out: `entry-${index}` }));
      const { metafile } = await esbuild.build({ entryPoints: names, bundle: true, splitting: true, format: 'esm', platform: 'node', target: OPTIONS.target, outdir: partial, outExtension: { '.js': '.mjs' }, logLevel: 'silent', metafile: true, absWorkingDir: root });
      // A module that finds its files from its own location would look for them beside the bundle.
      if (Object.keys(metafile.inputs).some((input) => /\bimport\.meta\b|\b__dirname\b|\brequire\s*\(/.test(readFileSync(resolvePath(root, input), 'utf8')))) throw new Error('not relocatable');
      writeFileSync(join(partial, 'entries.json'), JSON.stringify(Object.fromEntries(entries.map((file, index) => [file, `entry-${index}.mjs`]))));
      renameSync(partial, out);
    } catch {
      // another process finished first (its bundle is used), or the build failed (the package loads module by module)
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(join(out, 'entries.json'))) return null;
    }
  }
  const map = JSON.parse(readFileSync(join(out, 'entries.json'), 'utf8'));
  return new Map(Object.entries(map).map(([file, bundled]) => [file, pathToFileURL(join(out, bundled)).href]));
}

/**
 * The files a package's `exports` (or `module`, or `main`) name for `import`, in the
 * package's folder; none when a pattern (`./lib/*`) lets an import reach any module
 * of the package, which would load that module a second time beside the bundle.
 */
function entryFiles(pkg) {
  const targets = [];
  let patterns = false;
  const visit = (value) => {
    if (typeof value === 'string') {
      if (value.includes('*')) patterns = true;
      else targets.push(value);
    } else if (Array.isArray(value)) {
      if (value.length > 0) visit(value[0]);
    } else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      if (keys.every((key) => key.startsWith('.'))) keys.forEach((key) => visit(value[key]));
      else {
        const condition = ['import', 'node', 'default'].find((key) => key in value);
        if (condition !== undefined) visit(value[condition]);
      }
    }
  };
  visit(pkg.exports ?? pkg.module ?? pkg.main ?? 'index.js');
  return patterns ? [] : targets;
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !TYPESCRIPT.test(url)) return next(url, context);
  const path = fileURLToPath(url);
  const text = readFileSync(path, 'utf8');
  const compilerOptions = compilerOptionsFor(dirname(path));
  const key = createHash('sha256').update(SALT).update(compilerOptions).update('\0').update(path).update('\0').update(text).digest('hex');
  const folder = cacheFolder();
  const file = folder === null ? null : join(folder, `${key}.mjs`);
  let source;
  try {
    if (file === null) throw new Error('no cache');
    source = readFileSync(file, 'utf8');
  } catch {
    esbuild ??= await import('esbuild');
    source = compile(path, text, file, compilerOptions);
  }
  return { format: 'module', source, shortCircuit: true };
}

/** The JavaScript of one file, compiled now and kept in `file` (when there is a cache) for the next run. */
function compile(path, text, file, compilerOptions) {
  let code;
  try {
    code = esbuild.transformSync(text, { ...OPTIONS, sourcefile: path, tsconfigRaw: `{"compilerOptions":${compilerOptions}}` }).code;
  } catch (error) {
    const first = error.errors?.[0];
    if (first === undefined) throw error;
    const at = first.location === null ? path : `${path}:${first.location.line}:${first.location.column + 1}`;
    throw new SyntaxError(`${at}: ${first.text}`, { cause: error });
  }
  if (file === null) return code;
  try {
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, code);
    renameSync(partial, file);
  } catch {
    // a cache that cannot be written only costs the next run the compile
  }
  return code;
}

/**
 * The compiler options of the nearest tsconfig.json above `folder`, with those
 * of the files it extends, as tsc reads them: they decide what the emitted code
 * keeps (an import used only as a type is dropped unless verbatimModuleSyntax
 * says otherwise; how class fields are defined). `{}` without a tsconfig.json.
 */
function compilerOptionsFor(folder) {
  let found = optionsByFolder.get(folder);
  if (found === undefined) {
    const file = join(folder, 'tsconfig.json');
    const parent = dirname(folder);
    found = existsSync(file) ? JSON.stringify(readTsconfig(file, 0)) : parent === folder ? '{}' : compilerOptionsFor(parent);
    optionsByFolder.set(folder, found);
  }
  return found;
}

/** A tsconfig file's compilerOptions over those of the file it extends (a relative path or a package's file). */
function readTsconfig(file, depth) {
  let config;
  try {
    config = JSON.parse(withoutComments(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new SyntaxError(`${file}: not a readable tsconfig (${error.message})`, { cause: error });
  }
  let base = {};
  if (typeof config.extends === 'string' && depth < 10) {
    const target = config.extends.startsWith('.') ? resolvePath(dirname(file), config.extends) : createRequire(file).resolve(config.extends);
    base = readTsconfig(existsSync(target) || target.endsWith('.json') ? target : `${target}.json`, depth + 1);
  }
  return { ...base, ...config.compilerOptions };
}

/** JSON with comments and trailing commas (what tsconfig files allow) as plain JSON. */
function withoutComments(text) {
  let out = '';
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (char === '"') {
      const end = stringEnd(text, at);
      out += text.slice(at, end);
      at = end - 1;
    } else if (char === '/' && text[at + 1] === '/') {
      while (at < text.length && text[at] !== '\n') at++;
      out += '\n';
    } else if (char === '/' && text[at + 1] === '*') {
      const end = text.indexOf('*/', at + 2);
      at = end === -1 ? text.length : end + 1;
    } else {
      out += char;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

/** Where the JSON string starting at `start` ends (just past its closing quote). */
function stringEnd(text, start) {
  for (let at = start + 1; at < text.length; at++) {
    if (text[at] === '\\') at++;
    else if (text[at] === '"') return at + 1;
  }
  return text.length;
}
