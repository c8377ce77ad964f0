// The type-checker thread of `course check` (see ../typecheck.ts). It loads the
// TypeScript of the tree it checks and keeps one program across the steps: an
// unchanged file keeps its parsed SourceFile, and the builder program re-checks
// only the files a change can affect. What it reports is what
// `tsc -p tsconfig.json --pretty false` prints for the same tree (whose tsconfig.json
// exists: `course check` starts no checker otherwise).
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

const { dir } = workerData;
const ts = createRequire(join(dir, 'package.json'))('typescript');
const configFile = join(dir, 'tsconfig.json');
const format = { getCurrentDirectory: () => dir, getCanonicalFileName: (name) => name, getNewLine: () => '\n' };
/** Parsed files by name and parse options: reused while their text is the same. */
const parsed = new Map();
let previous;

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
    const text = host.readFile(fileName);
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

/** The diagnostics tsc reports for the tree, in tsc's order and its `--pretty false` format. */
function check() {
  const unrecoverable = [];
  const config = ts.getParsedCommandLineOfConfigFile(configFile, undefined, {
    ...ts.sys,
    getCurrentDirectory: () => dir,
    onUnRecoverableConfigFileDiagnostic: unrecoverable.push.bind(unrecoverable),
  });
  /* c8 ignore next - tsconfig.json unreadable: `course check` starts no checker without one */
  if (config === undefined) return lines(unrecoverable);
  const configDiagnostics = ts.getConfigFileParsingDiagnostics(config);
  const program = ts.createSemanticDiagnosticsBuilderProgram(config.fileNames, config.options, compilerHost(config.options), previous, configDiagnostics, config.projectReferences);
  previous = program;
  // tsc's own sequence (each kind of diagnostic only when the one before found none), with a
  // writeFile that writes nothing: not in TypeScript's typings, but what tsc itself calls
  const found = [];
  ts.emitFilesAndReportErrors(program, (diagnostic) => found.push(diagnostic), undefined, undefined, () => {});
  return lines(found);
}

function lines(diagnostics) {
  return ts.formatDiagnostics(diagnostics, format).split('\n').filter((line) => line.trim() !== '');
}

parentPort.on('message', (message) => {
  if (message === 'close') return parentPort.close();
  try {
    parentPort.postMessage({ lines: check() });
    /* c8 ignore next 3 - TypeScript throwing (a bug of its own): the check reports it instead of waiting forever */
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
});
