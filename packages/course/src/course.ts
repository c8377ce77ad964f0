/**
 * A course on disk: a repository root and its task list. Every tool takes one,
 * so tests can point them at a small fixture instead of this repository.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tasks as manifestTasks, type Task } from './manifest.ts';

export interface Course {
  /** Absolute path of the repository (or learner workspace) root. */
  root: string;
  /** The tasks, in the order a learner takes them. */
  tasks: readonly Task[];
}

/** The repository this package sits in: `packages/course/src/` is three levels down. */
export const repoRoot = resolve(fileURLToPath(new URL('../../../', import.meta.url)));

/** This repository and its manifest. */
export function defaultCourse(): Course {
  return { root: repoRoot, tasks: manifestTasks };
}

/** An error the command line reports as a usage mistake (exit status 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An error the command line reports in one line, without a stack (exit status 1). */
export class CourseError extends Error {
  override name = 'CourseError';
}

/** The task with this id, or a usage error naming the ids that exist. */
export function taskById(course: Course, id: number): Task {
  const task = course.tasks.find((candidate) => candidate.id === id);
  if (task === undefined) {
    const ids = course.tasks.map((candidate) => candidate.id);
    throw new UsageError(`no task ${id} in the manifest (tasks are ${ids[0]}–${ids[ids.length - 1]})`);
  }
  return task;
}

/** Workspace packages by directory name, with the workspace packages each depends on (dev dependencies included). */
export async function packageGraph(root: string): Promise<Map<string, Set<string>>> {
  const dirs = await readdir(join(root, 'packages'), { withFileTypes: true }).catch(() => []);
  const byName = new Map<string, { dir: string; deps: string[] }>();
  for (const entry of dirs) {
    if (!entry.isDirectory()) continue;
    const text = await readFile(join(root, 'packages', entry.name, 'package.json'), 'utf8').catch(() => null);
    if (text === null) continue;
    const json = JSON.parse(text) as { name?: string; dependencies?: object; devDependencies?: object };
    const deps = [...Object.keys(json.dependencies ?? {}), ...Object.keys(json.devDependencies ?? {})];
    byName.set(json.name ?? entry.name, { dir: entry.name, deps });
  }
  const graph = new Map<string, Set<string>>();
  for (const { dir, deps } of byName.values()) {
    graph.set(dir, new Set(deps.flatMap((dep) => byName.get(dep)?.dir ?? [])));
  }
  return graph;
}

/** The packages whose tests can see a change in `changed`: they or their (transitive) dependencies changed. */
export function affectedPackages(graph: Map<string, Set<string>>, changed: Iterable<string>): Set<string> {
  const affected = new Set(changed);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pkg, deps] of graph) {
      if (affected.has(pkg)) continue;
      if ([...deps].some((dep) => affected.has(dep))) {
        affected.add(pkg);
        grew = true;
      }
    }
  }
  return affected;
}

/** Every package a package's code and tests can load: itself and its transitive workspace dependencies. */
export function dependencyClosure(graph: Map<string, Set<string>>, pkg: string): Set<string> {
  const seen = new Set<string>([pkg]);
  const queue = [pkg];
  while (queue.length > 0) {
    for (const dep of graph.get(queue.pop()!) ?? []) {
      if (!seen.has(dep)) {
        seen.add(dep);
        queue.push(dep);
      }
    }
  }
  return seen;
}
