// The type-checker thread of `course check`, `grade` and `course wrong-answers`
// (see ../typecheck.ts). It loads the TypeScript of the tree it checks and keeps
// one program across the checks: an unchanged file keeps its parsed SourceFile,
// and the builder program re-checks only the files a change can affect. What
// `check` reports is what `tsc -p tsconfig.json --pretty false` prints for the
// same tree (whose tsconfig.json exists: no checker is started otherwise);
// `errors` gives the same diagnostics as objects, for the whole tree or some
// of its files, with some files' text replaced in memory (an overlay).
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join, relative, resolve, sep } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

const { dir } = workerData;
const ts = createRequire(join(dir, 'package.json'))('typescript');
const configFile = join(dir, 'tsconfig.json');
const format = { getCurrentDirectory: () => dir, getCanonicalFileName: (name) => name, getNewLine: () => '\n' };
/** Parsed files by name and parse options: reused while their text is the same. */
const parsed = new Map();
let previous;
/** The last plain program (`errors` of some files): its structure and files are reused by the next. */
let previousPlain;
/** Texts that replace files of the tree for the current request, by absolute path. */
let overlay = new Map();

/** Installed files do not change while a check runs: they are read once. */
function installed(fileName) {
  return fileName.includes(`${sep}node_modules${sep}`) || fileName.includes('/node_modules/');
}

function compilerHost(options) {
  const host = ts.createCompilerHost(options);
  host.getCurrentDirectory = () => dir;
  host.getSourceFile = (fileName, languageVersionOrOptions) => {
    const key = `${JSON.stringify(languageVersionOrOptions)}\0${fileName}`;
    const cached = parsed.get(key);
    if (cached !== undefined && installed(fileName)) return cached.file;
    // like tsc's host: a file that cannot be read is missing (TypeScript reports it where it is needed)
    const text = overlay.get(resolve(fileName)) ?? host.readFile(fileName);
    /* c8 ignore next - a file gone between TypeScript finding it and reading it */
    if (text === undefined) return undefined;
    if (cached?.text === text) return cached.file;
    const file = ts.createSourceFile(fileName, text, languageVersionOrOptions);
    // the builder program compares versions to find the files that changed
    file.version = createHash('sha256').update(text).digest('hex');
    parsed.set(key, { text, file });
    return file;
  };
  return host;
}

/**
 * The tree's program, built on the one before; or the diagnostics that stop it
 * from being built. A builder program keeps every file's diagnostics and
 * re-checks only the files a change can affect, which pays when the whole tree
 * is asked for; a plain program checks only the files asked for, each time, so
 * a file whose text did not change but whose imports did is never stale.
 */
function build(extraRoots = [], plain = false, direct = false, only = false) {
  const unrecoverable = [];
  const config = ts.getParsedCommandLineOfConfigFile(configFile, undefined, {
    ...ts.sys,
    getCurrentDirectory: () => dir,
    onUnRecoverableConfigFileDiagnostic: unrecoverable.push.bind(unrecoverable),
  });
  /* c8 ignore next - tsconfig.json unreadable: no checker is started without one */
  if (config === undefined) return { program: null, diagnostics: unrecoverable };
  const configDiagnostics = ts.getConfigFileParsingDiagnostics(config);
  if (direct) config.options.assumeChangesOnlyAffectDirectDependencies = true;
  const roots = only ? extraRoots : [...new Set([...config.fileNames, ...extraRoots])];
  if (plain) {
    const program = ts.createProgram({ rootNames: roots, options: config.options, host: compilerHost(config.options), oldProgram: previousPlain, configFileParsingDiagnostics: configDiagnostics, projectReferences: config.projectReferences });
    previousPlain = program;
    return { program, diagnostics: [] };
  }
  const program = ts.createSemanticDiagnosticsBuilderProgram(roots, config.options, compilerHost(config.options), previous, configDiagnostics, config.projectReferences);
  previous = program;
  return { program, diagnostics: [] };
}

/** The diagnostics tsc reports for the tree, in tsc's order and its `--pretty false` format. */
function check() {
  overlay = new Map();
  const { program, diagnostics } = build();
  /* c8 ignore next - see build */
  if (program === null) return lines(diagnostics);
  // tsc's own sequence (each kind of diagnostic only when the one before found none), with a
  // writeFile that writes nothing: not in TypeScript's typings, but what tsc itself calls
  const found = [];
  ts.emitFilesAndReportErrors(program, (diagnostic) => found.push(diagnostic), undefined, undefined, () => {});
  return lines(found);
}

/**
 * The errors of the tree with `texts` (relative path → text) in place of those
 * files: of the whole tree in tsc's sequence when `files` is null, else the
 * syntax and type errors of those files (relative paths; a file the
 * configuration leaves out is checked too, a missing one is skipped).
 */
function errors(files, texts, roots = null) {
  overlay = new Map(Object.entries(texts).map(([file, text]) => [join(dir, file), text]));
  const present = (path) => overlay.has(path) || ts.sys.fileExists(path);
  const wanted = files === null ? null : files.map((file) => join(dir, file)).filter(present);
  // the whole tree, checked again and again with one file changed: a change of what a file exports
  // re-checks the files that import it, not every file behind them; with `roots`, a program of
  // those files and what they import, not of every file tsconfig.json includes
  const only = wanted !== null && roots !== null;
  const extra = only ? [...new Set([...roots.map((file) => join(dir, file)).filter(present), ...wanted])] : wanted ?? [];
  const { program, diagnostics } = build(extra, wanted !== null, wanted === null, only);
  /* c8 ignore next - see build */
  if (program === null) return diagnostics.map(shape);
  const found = [];
  if (wanted === null) {
    ts.emitFilesAndReportErrors(program, (diagnostic) => found.push(diagnostic), undefined, undefined, () => {});
  } else {
    // a configuration or global error (a bad tsconfig.json, a missing lib) stops every file
    found.push(...program.getConfigFileParsingDiagnostics(), ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics());
    for (const path of wanted) {
      const file = program.getSourceFile(path);
      /* c8 ignore next - a root file TypeScript did not load */
      if (file === undefined) continue;
      const syntax = program.getSyntacticDiagnostics(file);
      /* c8 ignore next - a syntax error in a limited check: the whole-tree check's test covers it */
      found.push(...(syntax.length > 0 ? syntax : program.getSemanticDiagnostics(file)));
    }
  }
  return found.filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error).map(shape);
}

/** A diagnostic as `{ file, line, column, code, message }`: the file relative to the tree, 1-based line and column. */
function shape(diagnostic) {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (diagnostic.file === undefined || diagnostic.start === undefined) return { file: null, line: null, column: null, code: diagnostic.code, message };
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return { file: relative(dir, diagnostic.file.fileName).split(sep).join('/'), line: line + 1, column: character + 1, code: diagnostic.code, message };
}

function lines(diagnostics) {
  return ts.formatDiagnostics(diagnostics, format).split('\n').filter((line) => line.trim() !== '');
}

parentPort.on('message', (message) => {
  if (message === 'close') return parentPort.close();
  try {
    parentPort.postMessage(message === 'check' ? { lines: check() } : { errors: errors(message.files, message.texts, message.roots ?? null) });
    /* c8 ignore next 3 - TypeScript throwing (a bug of its own): the check reports it instead of waiting forever */
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
});
