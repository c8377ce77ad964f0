/**
 * What a test run executed, and whether a change to code it loaded can change
 * its result. `course check` uses it to leave out earlier tasks whose tests
 * loaded a changed file but never ran the part of it that changed.
 *
 * The test process records (see loads/register.mjs) the code each module ran
 * as (the TypeScript loader's output: what V8 saw) and V8's block coverage of
 * it. A change is compared as that code, the loader's output before and after,
 * token by token. A run is left alone when:
 *
 * - nothing differs (a change to types or comments), or
 * - each changed stretch lies inside a "hole" that no process of the run
 *   entered: the body of a function it never called, or a branch it never
 *   took (an if's then or else, a loop's body, a try, catch or finally block),
 *   and the new code has a body or a branch in the same place, at the same
 *   stretch. Everything outside the holes is then the same code, which runs
 *   the same way up to the holes, and so never reaches them either.
 *
 * Except that a branch is never a hole if a `var` in it comes or goes (the
 * name is seen outside the branch); a stretch inside a function that was
 * turned into a string is not in a hole (its text was used); and anything
 * missing (a process without its record, a module not loaded as an ES module,
 * one without coverage) means the run may change.
 */
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TS from 'typescript';

/** A range of V8's block coverage: offsets into the module's code, and whether it ran (count > 0). */
export interface Range {
  start: number;
  end: number;
  count: number;
}

/** One module as a run executed it. */
export interface Script {
  /** The code V8 ran: what the TypeScript loader made of the file. */
  code: string;
  /** How it was loaded: `module` for an ES module. */
  format: string | null;
}

export interface Execution {
  /** Each module outside node_modules, by absolute path. */
  scripts: Map<string, Script>;
  /** V8's ranges for each module, by absolute path: one list per process that ran it. */
  coverage: Map<string, Range[][]>;
  /** The text of every function that was turned into a string; null when there were too many to keep. */
  strings: string[] | null;
  /** Every process of the run wrote its record: none was killed or crashed before its end. */
  complete: boolean;
}

interface RunRecord {
  scripts: { url: string; functions: { ranges: { startOffset: number; endOffset: number; count: number }[] }[] }[];
  strings: string[] | null;
}

/**
 * Reads what the processes of one test run recorded in `dir` (HALLPASS_RECORD_DIR).
 * For file `upTo` of a batch (loads/batch.mjs), the coverage of the files after
 * it is left out: the record holds its own and that of the files before it.
 */
export async function readExecution(dir: string, upTo = Infinity): Promise<Execution> {
  const execution: Execution = { scripts: new Map(), coverage: new Map(), strings: [], complete: true };
  const names = await readdir(dir).catch(() => [] as string[]);
  const strings = new Set<string>();
  for (const name of names) {
    if (name.startsWith('code-')) {
      const { url, format, code } = JSON.parse(await readFile(join(dir, name), 'utf8')) as { url: string; format: string | null; code: string };
      execution.scripts.set(fileURLToPath(url), { code, format });
    } else if (name.startsWith('started-')) {
      if (!names.includes(`run-${name.slice('started-'.length)}.json`)) execution.complete = false;
    } else if (name.startsWith('run-') || (name.startsWith('segment-') && Number(/\d+/.exec(name)?.[0]) <= upTo)) {
      const record = JSON.parse(await readFile(join(dir, name), 'utf8')) as RunRecord;
      for (const script of record.scripts) {
        const ranges = script.functions.flatMap((fn) => fn.ranges.map((range) => ({ start: range.startOffset, end: range.endOffset, count: range.count })));
        const path = fileURLToPath(script.url);
        execution.coverage.set(path, [...(execution.coverage.get(path) ?? []), ranges]);
      }
      if (record.strings === null) execution.complete = false;
      else for (const text of record.strings) strings.add(text);
    }
  }
  execution.strings = [...strings];
  return execution;
}

/** What the old code of each module a run executed holds, and where the new code has holes: each worked out once. */
const analysed = new WeakMap<Script, Analysis>();
const newPlaces = new WeakMap<Script, Set<string>>();

/**
 * Whether the run could give another result once the module at `path` runs as
 * `next` (the loader's output for its new text, from a run that loaded it).
 */
export function mayChange(execution: Execution, path: string, next: Script | undefined): boolean {
  const before = execution.scripts.get(path);
  const coverage = execution.coverage.get(path);
  if (!execution.complete || execution.strings === null || before === undefined || coverage === undefined || next === undefined) return true;
  if (before.format !== 'module' || next.format !== 'module') return true;
  const oldCode = withoutSourceMap(before.code);
  const newCode = withoutSourceMap(next.code);
  const old = tokens(oldCode);
  const now = tokens(newCode);
  const found = diff(old.map(([text]) => text), now.map(([text]) => text));
  if (found.length === 0) return false;
  // where each token starts, and where the code ends
  const [oldAt, nowAt] = [[...old.map(([, at]) => at), oldCode.length], [...now.map(([, at]) => at), newCode.length]];
  const changes = found.map((hunk): Change => ({ old: [oldAt[hunk.old[0]]!, oldAt[hunk.old[1]]!], now: [nowAt[hunk.now[0]]!, nowAt[hunk.now[1]]!] }));
  let analysis = analysed.get(before);
  if (analysis === undefined) analysed.set(before, (analysis = analyse(oldCode, coverage, execution.strings)));
  let places = newPlaces.get(next);
  if (places === undefined) newPlaces.set(next, (places = holePlaces(newCode)));
  return !changes.every((change) => analysis.holes.some((hole) => covers(hole, change, changes, places, oldCode, newCode) && !analysis.stringified(change)));
}

/** The code without the loader's trailing source map comment: it changes with every position. */
function withoutSourceMap(code: string): string {
  return code.replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, '');
}

/** Words, runs of white space and single other characters, each with its offset. */
export function tokens(code: string): [string, number][] {
  return [...code.matchAll(/[\w$]+|\s+|[\s\S]/g)].map((match) => [match[0], match.index]);
}

/** A changed stretch: tokens [old[0], old[1]) of the old text became tokens [now[0], now[1]) of the new. */
export interface Hunk {
  old: [number, number];
  now: [number, number];
}

/** A hunk in characters: [old[0], old[1]) of the old code became [now[0], now[1]) of the new. */
export type Change = Hunk;

/** Beyond this many edits, the texts count as different throughout. */
const MAX_EDITS = 1000;

/** The changed stretches between two token lists (Myers' diff), in order. */
export function diff(a: readonly string[], b: readonly string[]): Hunk[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let [endA, endB] = [a.length, b.length];
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) [endA, endB] = [endA - 1, endB - 1];
  const [n, m] = [endA - start, endB - start];
  if (n === 0 && m === 0) return [];
  const limit = Math.min(n + m, MAX_EDITS);
  const shift = limit + 1;
  const v = new Int32Array(2 * limit + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= limit; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[k - 1 + shift]! < v[k + 1 + shift]!) ? v[k + 1 + shift]! : v[k - 1 + shift]! + 1;
      let y = x - k;
      while (x < n && y < m && a[start + x] === b[start + y]) [x, y] = [x + 1, y + 1];
      v[k + shift] = x;
      if (x >= n && y >= m) return hunks(trace, d, n, m, shift).map((hunk) => ({ old: [hunk.old[0] + start, hunk.old[1] + start], now: [hunk.now[0] + start, hunk.now[1] + start] }));
    }
  }
  return [{ old: [start, endA], now: [start, endB] }];
}

/** Walks Myers' trace back from (n, m) and groups the edits into hunks. */
function hunks(trace: Int32Array[], edits: number, n: number, m: number, shift: number): Hunk[] {
  const found: Hunk[] = [];
  let [x, y] = [n, m];
  for (let d = edits; d > 0; d--) {
    const v = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && v[k - 1 + shift]! < v[k + 1 + shift]!);
    const previousK = down ? k + 1 : k - 1;
    const previousX = v[previousK + shift]!;
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) [x, y] = [x - 1, y - 1];
    // one edit: a token of b inserted (down) or one of a deleted, joined to the hunk after it when they touch
    const [oldEnd, nowEnd] = down ? [previousX, previousY + 1] : [previousX + 1, previousY];
    const last = found[found.length - 1];
    if (last !== undefined && last.old[0] === oldEnd && last.now[0] === nowEnd) [last.old[0], last.now[0]] = [previousX, previousY];
    else found.push({ old: [previousX, oldEnd], now: [previousY, nowEnd] });
    [x, y] = [previousX, previousY];
  }
  return found.reverse();
}

let typescript: typeof TS | undefined;

function parse(code: string): TS.SourceFile {
  typescript ??= createRequire(import.meta.url)('typescript') as typeof TS;
  return typescript.createSourceFile('code.js', code, typescript.ScriptTarget.Latest, false, typescript.ScriptKind.JS);
}

/**
 * A stretch of code that runs only when control gets there: a function's body,
 * or a branch. `place` names where it sits, in positions of its own code: the
 * node that holds it and its role there, so the new code's hole can be matched.
 */
interface Hole {
  start: number;
  end: number;
  /** Where the holder starts, its kind and the hole's role in it. */
  holder: number;
  place: string;
  /** A branch: a `var` in it is seen outside it. */
  branch: boolean;
}

/** Every place a hole can be in the code (run or not), smallest first. */
function holesOf(source: TS.SourceFile): Hole[] {
  const ts = typescript!;
  const found: Hole[] = [];
  const add = (node: TS.Node | undefined, holder: TS.Node, role: string, branch: boolean): void => {
    if (node !== undefined) found.push({ start: node.getStart(source), end: node.end, holder: holder.getStart(source), place: `${ts.SyntaxKind[holder.kind]}.${role}`, branch });
  };
  const visit = (node: TS.Node): void => {
    if (ts.isFunctionLike(node)) add((node as { body?: TS.Node }).body, node, 'body', false);
    else if (ts.isIfStatement(node)) {
      add(node.thenStatement, node, 'then', true);
      add(node.elseStatement, node, 'else', true);
    } else if (ts.isIterationStatement(node, false)) add(node.statement, node, 'loop', true);
    else if (ts.isTryStatement(node)) {
      add(node.tryBlock, node, 'try', true);
      add(node.catchClause?.block, node, 'catch', true);
      add(node.finallyBlock, node, 'finally', true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.sort((p, q) => p.end - p.start - (q.end - q.start));
}

/** The holes of the new code, by `start:end:place` in its own positions. */
function holePlaces(code: string): Set<string> {
  return new Set(holesOf(parse(code)).map((hole) => `${hole.start}:${hole.end}:${hole.holder}:${hole.place}`));
}

interface Analysis {
  /** The holes no process of the run entered, smallest first. */
  holes: Hole[];
  /** Whether a change touches the text of a function that was turned into a string. */
  stringified: (change: Change) => boolean;
}

function analyse(code: string, coverage: readonly Range[][], strings: readonly string[]): Analysis {
  // ran[at]: some process ran the character (its innermost V8 range has a count above 0)
  const ran = new Uint8Array(code.length);
  for (const ranges of coverage) {
    const mine = new Uint8Array(code.length);
    // wider ranges first, nested ones over them; of two alike, the one that ran last, so that it wins
    const order = (range: Range): number => (range.end - range.start) * 2 + (range.count > 0 ? 0 : 1);
    const ordered = [...ranges].sort((p, q) => order(q) - order(p));
    for (const range of ordered) mine.fill(range.count > 0 ? 1 : 0, range.start, Math.min(range.end, code.length));
    for (let at = 0; at < code.length; at++) ran[at]! |= mine[at]!;
  }
  const holes = holesOf(parse(code)).filter((hole) => !ran.subarray(hole.start, hole.end).includes(1));
  const spans: [number, number][] = [];
  for (const text of strings.filter((candidate) => candidate.length > 0)) {
    for (let at = code.indexOf(text); at !== -1; at = code.indexOf(text, at + 1)) spans.push([at, at + text.length]);
  }
  // an insertion touches a function's text when it lands in it or at its edge; a replacement when it overlaps it
  const stringified = ({ old: [from, to] }: Change): boolean => spans.some(([start, end]) => (from === to ? start <= from && from <= end : from < end && to > start));
  return { holes, stringified };
}

/**
 * Whether `change` lies in the unentered `hole` and the new code has a hole of
 * the same place where the old one's stretch went, so that all that differs
 * between old and new code there is what the hole holds.
 */
function covers(hole: Hole, change: Change, changes: readonly Change[], places: ReadonlySet<string>, oldCode: string, newCode: string): boolean {
  if (change.old[0] < hole.start || change.old[1] > hole.end) return false;
  const edges = [image(hole.start, changes, 'start'), image(hole.end, changes, 'end'), image(hole.holder, changes, 'start')];
  if (edges.includes(null)) return false;
  const [start, end, holder] = edges as number[];
  if (hole.branch && (hasVar(oldCode.slice(hole.start, hole.end)) || hasVar(newCode.slice(start, end)))) return false;
  return places.has(`${start}:${end}:${holder}:${hole.place}`);
}

function hasVar(code: string): boolean {
  return tokens(code).some(([text]) => text === 'var');
}

/**
 * Where a position of the old code is in the new one; null inside a change.
 * A hole's start takes in what a change at its edge put there; its end takes
 * in an insertion there, not a replacement that begins there.
 */
export function image(position: number, changes: readonly Change[], edge: 'start' | 'end'): number | null {
  let shift = 0;
  for (const { old: [from, to], now } of changes) {
    if (position < from) break;
    if (position === from) {
      if (edge === 'start') return now[0];
      return from === to ? now[1] : now[0];
    }
    if (position < to) return null;
    shift = now[1] - to;
  }
  return position + shift;
}
