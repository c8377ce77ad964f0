/** The files a course is made of, and the task regions in them. */
import { execFile } from 'node:child_process';
import { access, lstat, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Course } from './course.ts';
import { mayHaveMarkers, parseMarkers, type MarkedSource } from './markers.ts';

const run = promisify(execFile);

/** Never part of a course's files: installs, caches, local data, build output. */
const SKIPPED = new Set(['node_modules', '.git', '.data', '.tap', 'coverage', 'dist', '.course-cache']);

/** Extensions of files that may hold task regions. */
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

/** The course tools' own package: its tests hold marker text as data, not regions. */
const TOOLS = 'packages/course/';

/**
 * The course's files, relative to the root and sorted: what git tracks plus new
 * files it does not ignore; without git, a walk that skips installs and caches.
 */
export async function courseFiles(root: string): Promise<string[]> {
  let files: string[];
  if (await exists(join(root, '.git'))) {
    const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    const listed = [...new Set(stdout.split('\0').filter((file) => file !== ''))];
    const kept = listed.filter((file) => !file.split('/').some((part) => SKIPPED.has(part)));
    const present = await Promise.all(kept.map((file) => lstat(join(root, file)).then((stat) => stat.isFile(), () => false)));
    files = kept.filter((_, index) => present[index]);
  } else {
    files = await walk(root, '');
  }
  return files.sort();
}

async function walk(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (SKIPPED.has(entry.name)) continue;
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await walk(root, path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** Whether a course file may carry task regions. */
export function isMarkable(file: string): boolean {
  return SOURCE.test(file) && !file.startsWith(TOOLS);
}

/** Every file of the course with at least one region, parsed. Marker mistakes throw, naming file and line. */
export async function markedSources(course: Course, files: readonly string[]): Promise<MarkedSource[]> {
  const known = new Set(course.tasks.map((task) => task.id));
  const sources: MarkedSource[] = [];
  for (const file of files) {
    if (!isMarkable(file)) continue;
    const text = await readFile(join(course.root, file), 'utf8');
    if (!mayHaveMarkers(text)) continue;
    const source = parseMarkers(file, text, known);
    if (source.regions.length > 0) sources.push(source);
  }
  return sources;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
