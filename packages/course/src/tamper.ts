/**
 * Grading a learner's workspace from the course repository: the learner's code,
 * run with the course's own pristine tests, test support, test configuration
 * and installed packages; and the list of files the learner changed outside
 * the task regions.
 */
import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CLASSROOM_WORKFLOW, classroomWorkflow } from './classroom.ts';
import { CourseError, type Course } from './course.ts';
import { courseFiles, exists, markedSources } from './files.ts';
import { parseMarkers, render } from './markers.ts';
import { isLearnerFile, learnerText, linkNodeModules } from './stage.ts';
import { STATE_DIR, isWorkspace } from './workspace.ts';
import { WORKSPACE_README, learnerReadme } from './workspace-readme.ts';

/**
 * What the grader always takes from the course, never from the learner: the
 * tests and everything they load besides the code under test, and the files
 * that decide how packages resolve (package.json `exports`, tsconfig paths).
 */
export function isPristine(file: string): boolean {
  return (
    /^packages\/[^/]+\/test\//.test(file) ||
    file === 'packages/db/src/testing.ts' ||
    /^(packages\/[^/]+\/)?(package\.json|tsconfig[^/]*\.json|\.taprc)$/.test(file) ||
    file === 'pnpm-workspace.yaml' ||
    file.startsWith('packages/course/')
  );
}

export interface Change {
  file: string;
  how: 'added' | 'deleted' | 'changed outside the task regions';
}

/** The text of every file a new workspace starts with, by path. */
async function startingTexts(course: Course): Promise<Map<string, string>> {
  const files = (await courseFiles(course.root)).filter((file) => isLearnerFile(course, file));
  const marked = new Map((await markedSources(course, files)).map((source) => [source.file, source]));
  const texts = new Map<string, string>();
  for (const file of files) {
    const source = marked.get(file);
    texts.set(file, source === undefined ? learnerText(file, await readFile(join(course.root, file), 'utf8')) : render(source, () => false, { keepMarkers: true }));
  }
  texts.set(WORKSPACE_README, learnerReadme(course)); // `course new` writes the learner's own
  return texts;
}

/** The text with what sits between task markers left out: what the learner may change freely. */
function outsideRegions(file: string, text: string, known: ReadonlySet<number>): string {
  try {
    const source = parseMarkers(file, text, known);
    return render(source, () => false, { keepMarkers: true }).replace(/\n*$/, '');
  } catch {
    return text; // markers the learner broke: the whole file counts
  }
}

/** Every file the learner added, deleted, or changed outside the task regions. */
export async function changesOutsideRegions(course: Course, workspace: string): Promise<Change[]> {
  const start = await startingTexts(course);
  const theirs = (await courseFiles(workspace)).filter((file) => !file.startsWith(`${STATE_DIR}/`));
  // the workflow `course new --classroom` wrote is part of the start, when the workspace has one
  if (theirs.includes(CLASSROOM_WORKFLOW)) start.set(CLASSROOM_WORKFLOW, classroomWorkflow(course));
  const known = new Set(course.tasks.map((task) => task.id));
  const changes: Change[] = [];
  for (const file of theirs) {
    const original = start.get(file);
    if (original === undefined) {
      changes.push({ file, how: 'added' });
      continue;
    }
    const text = await readFile(join(workspace, file), 'utf8');
    if (text !== original && outsideRegions(file, text, known) !== outsideRegions(file, original, known)) changes.push({ file, how: 'changed outside the task regions' });
  }
  const present = new Set(theirs);
  for (const file of start.keys()) if (!file.startsWith(`${STATE_DIR}/`) && !present.has(file)) changes.push({ file, how: 'deleted' });
  return changes.sort((a, b) => (a.file < b.file ? -1 : 1));
}

/**
 * A tree to grade in: the learner's files, then the course's pristine ones on
 * top (the learner's test folders removed first), with the course's installed
 * packages linked in. The caller removes `dir`.
 */
export async function gradingTree(course: Course, workspace: string, dir: string): Promise<void> {
  if (!(await isWorkspace(workspace))) throw new CourseError(`${workspace} is not a learner workspace (no ${STATE_DIR}/workspace.json): give the folder \`pnpm course new\` made`);
  for (const file of await courseFiles(workspace)) {
    if (isPristine(file)) continue;
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await copyFile(join(workspace, file), join(dir, file));
  }
  for (const file of await courseFiles(course.root)) {
    if (!isPristine(file)) continue;
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await copyFile(join(course.root, file), join(dir, file));
  }
  await rm(join(dir, STATE_DIR), { recursive: true, force: true });
  if (!(await exists(join(course.root, 'node_modules')))) throw new CourseError('the course repository has no node_modules: run `pnpm install` in it first');
  await linkNodeModules(course, dir);
}
