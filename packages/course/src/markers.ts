/**
 * Task regions in source files:
 *
 *   // #region task-07      the solution starts
 *   …solution…
 *   // #stub                optional: the stub follows, every line commented with `// `
 *   // throw new TaskNotDoneError(7, '…');
 *   // #endregion
 *
 * Regions nest: a later task's region may sit inside an earlier task's solution.
 */
export interface Region {
  /** The task id the region belongs to. */
  task: number;
  /** 0-based line index of `// #region`, of `// #stub` (null when there is none) and of `// #endregion`. */
  start: number;
  stub: number | null;
  end: number;
  /** Regions nested in the solution part. */
  children: Region[];
}

export interface MarkedSource {
  file: string;
  lines: string[];
  regions: Region[];
}

/** A marker mistake, always naming the file and the 1-based line. */
export class MarkerError extends Error {
  override name = 'MarkerError';
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
  }
}

const REGION = /^\s*\/\/ #region\b(.*)$/;
const ENDREGION = /^\s*\/\/ #endregion\b/;
const STUB = /^\s*\/\/ #stub\b(.*)$/;
const TASK_ID = /^ task-(\d\d)\s*$/;
const COMMENTED = /^(\s*)\/\/ ?(.*)$/s;

/** True when the text may hold markers: a cheap test before parsing. */
export function mayHaveMarkers(text: string): boolean {
  return text.includes('// #region') || text.includes('// #endregion') || text.includes('// #stub');
}

/** Parses the regions of one file; `known` are the task ids of the manifest. */
export function parseMarkers(file: string, text: string, known: ReadonlySet<number>): MarkedSource {
  const lines = text.split('\n');
  const top: Region[] = [];
  const open: Region[] = [];
  lines.forEach((line, index) => {
    const where = index + 1;
    const current = open[open.length - 1];
    const region = REGION.exec(line);
    if (region !== null) {
      const id = TASK_ID.exec(region[1]!);
      if (id === null) throw new MarkerError(file, where, `expected \`// #region task-NN\` (two digits), got \`${line.trim()}\``);
      const task = Number(id[1]);
      if (!known.has(task)) throw new MarkerError(file, where, `unknown task id task-${id[1]}: no task ${task} in the manifest`);
      if (current !== undefined) {
        if (current.stub !== null) {
          throw new MarkerError(file, where, `region task-${id[1]} starts inside the stub of task-${pad(current.task)} (opened at line ${current.start + 1})`);
        }
        if (task <= current.task) {
          throw new MarkerError(file, where, `region task-${id[1]} is nested in task-${pad(current.task)}'s solution but is not a later task`);
        }
      }
      const created: Region = { task, start: index, stub: null, end: -1, children: [] };
      (current?.children ?? top).push(created);
      open.push(created);
      return;
    }
    if (STUB.test(line)) {
      if (current === undefined) throw new MarkerError(file, where, '`// #stub` outside any region');
      if (current.stub !== null) {
        throw new MarkerError(file, where, `second \`// #stub\` in region task-${pad(current.task)} (the first is at line ${current.stub + 1})`);
      }
      current.stub = index;
      return;
    }
    if (ENDREGION.test(line)) {
      if (current === undefined) throw new MarkerError(file, where, '`// #endregion` without an open region');
      current.end = index;
      open.pop();
      return;
    }
    if (current !== undefined && current.stub !== null && line.trim() !== '' && !COMMENTED.test(line)) {
      throw new MarkerError(file, where, `stub line of task-${pad(current.task)} is not commented with \`// \``);
    }
  });
  const unclosed = open[open.length - 1];
  if (unclosed !== undefined) {
    throw new MarkerError(file, unclosed.start + 1, `region task-${pad(unclosed.task)} has no \`// #endregion\``);
  }
  return { file, lines, regions: top };
}

/** Every task id that has a region in the source, nested ones included. */
export function regionTasks(source: MarkedSource): Set<number> {
  const ids = new Set<number>();
  const visit = (regions: Region[]): void => {
    for (const region of regions) {
      ids.add(region.task);
      visit(region.children);
    }
  };
  visit(source.regions);
  return ids;
}

export interface RenderOptions {
  /** Keep the `// #region` and `// #endregion` lines around a stub, to show the learner where to write. */
  keepMarkers?: boolean;
}

/**
 * The file as it reads when the tasks for which `solved` is true are done:
 * their solution stays (markers removed), every other region is replaced by its stub.
 */
export function render(source: MarkedSource, solved: (task: number) => boolean, options: RenderOptions = {}): string {
  return renderLines(source.lines, 0, source.lines.length, source.regions, solved, options).join('\n');
}

/** The solution part of a region, its own nested regions rendered for `solved`. */
export function solutionOf(source: MarkedSource, region: Region, solved: (task: number) => boolean): string[] {
  return renderLines(source.lines, region.start + 1, region.stub ?? region.end, region.children, solved, {});
}

/** The stub of a region, uncommented: what the learner's copy has in its place. */
export function stubOf(source: MarkedSource, region: Region): string[] {
  return region.stub === null ? [] : source.lines.slice(region.stub + 1, region.end).map(uncomment);
}

function renderLines(lines: readonly string[], from: number, to: number, regions: Region[], solved: (task: number) => boolean, options: RenderOptions): string[] {
  const out: string[] = [];
  const emit = (from: number, to: number, regions: Region[]): void => {
    let line = from;
    for (const region of regions) {
      out.push(...lines.slice(line, region.start));
      if (solved(region.task)) {
        emit(region.start + 1, region.stub ?? region.end, region.children);
      } else {
        if (options.keepMarkers) out.push(lines[region.start]!);
        if (region.stub !== null) out.push(...lines.slice(region.stub + 1, region.end).map(uncomment));
        if (options.keepMarkers) out.push(lines[region.end]!);
      }
      line = region.end + 1;
    }
    out.push(...lines.slice(line, to));
  };
  emit(from, to, regions);
  return out;
}

/** `    // throw x;` → `    throw x;`: the comment mark goes, the indentation stays. */
function uncomment(line: string): string {
  const match = COMMENTED.exec(line);
  if (match === null || match[2]!.trim() === '') return match === null ? line : '';
  return match[1]! + match[2]!;
}

function pad(id: number): string {
  return String(id).padStart(2, '0');
}
