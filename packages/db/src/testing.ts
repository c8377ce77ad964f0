/**
 * Test support: every test file gets its own migrated database, so tap can run
 * files in parallel. PostgreSQL when DATABASE_URL is set, embedded PGlite otherwise.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, statfsSync } from 'node:fs';
import { access, cp, mkdtemp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { userMigrations } from '@hallpass/user-model';
import { connect } from './connection.ts';
import { DB } from './db.ts';
import { migrateToLatest } from './migrate.ts';

/** The PGlite release (pinned in this package) the empty database is made by: its files are only good for that one. */
const PGLITE_VERSION = (createRequire(import.meta.url)('../package.json') as { dependencies: Record<string, string> }).dependencies['@electric-sql/pglite'];

/** The part of a tap test this module needs: somewhere to register clean-up. */
export interface Teardownable {
  teardown(fn: () => unknown): void;
}

/** Where the tests' database lives: `DATABASE_URL`'s server, or PGlite. */
export function testBackend(): 'postgres' | 'pglite' {
  return process.env.DATABASE_URL ? 'postgres' : 'pglite';
}

/** A migrated `DB` of the test's own, closed and removed when the test ends. */
export async function testDB(t: Teardownable, backend = testBackend()): Promise<DB> {
  const target = await isolatedTarget(t, backend);
  const db = await DB.open(target);
  t.teardown(() => db.close());
  return db;
}

/**
 * A bare migrated knex handle (no `DB` class), for tests of the model and
 * migrations that must not depend on the data-layer tasks.
 */
export async function testKnex(t: Teardownable, backend = testBackend()): Promise<Knex> {
  const target = await isolatedTarget(t, backend);
  const connection = await connect(target);
  t.teardown(() => connection.close());
  await migrateToLatest(connection.knex);
  return connection.knex;
}

/** Connection options for a fresh database nobody else uses; removal is registered on `t`. */
export async function isolatedTarget(t: Teardownable, backend = testBackend()): Promise<{ connection?: string; dataDir?: string }> {
  /* c8 ignore next - only when DATABASE_URL names a server (CI sets it); the PGlite branch below runs everywhere */
  if (backend === 'postgres') return { connection: await createPostgresDatabase(t, process.env.DATABASE_URL ?? '') };
  const dataDir = await mkdtemp(join(copiesFolder(), 'hallpass-test-'));
  // Registered first, so it runs after the database using the folder is closed.
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  // cpSync: the promise-based cp takes longer over the snapshot's thousand files
  cpSync(await pgliteSnapshot(), dataDir, { recursive: true });
  return { dataDir };
}

/** Linux's tmpfs, and the room a memory folder needs to take the tests' copies (one is 40 MB). */
const TMPFS = 0x01021994;
const ROOM = 512 * 1024 * 1024;

/**
 * Where each test's copy of the PGlite snapshot goes: Linux's memory file system
 * when it has room, since creating the snapshot's thousand files on a disk can
 * take most of a test's set-up (about 1 s against 0.05 s on the course's
 * machines). A copy lives only as long as its test; the snapshots stay in the
 * system's temporary folder.
 */
export function copiesFolder(shm = '/dev/shm', room = ROOM): string {
  try {
    const stats = statfsSync(shm);
    /* c8 ignore next - Linux only (where every PGlite test reaches it) */
    if (stats.type === TMPFS && stats.bavail * stats.bsize >= room) return shm;
  } catch {
    // no such folder: not Linux
  }
  return tmpdir();
}

/* c8 ignore start - runs only against a PostgreSQL server (DATABASE_URL), as in CI */
/** Creates an empty database on the server of `adminUrl`; it is dropped at teardown. */
async function createPostgresDatabase(t: Teardownable, adminUrl: string): Promise<string> {
  const name = `hallpass_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await connect({ connection: adminUrl });
  try {
    await admin.knex.raw('CREATE DATABASE ??', [name]);
  } finally {
    await admin.close();
  }
  t.teardown(async () => {
    const cleaner = await connect({ connection: adminUrl });
    try {
      await cleaner.knex.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]);
    } finally {
      await cleaner.close();
    }
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
/* c8 ignore stop */

/**
 * Creating a PGlite database (initdb) takes seconds; copying a migrated one takes
 * a fraction of that. The first test file of a run builds the copy, keyed by the
 * migrations' code, and every later file starts from it.
 */
export async function pgliteSnapshot(root = tmpdir()): Promise<string> {
  const key = createHash('sha256');
  for (const migration of userMigrations) key.update(`${migration.name}\n${migration.up.toString()}\n`);
  const snapshot = join(root, `hallpass-pglite-snapshot-${key.digest('hex').slice(0, 16)}`);
  if (await exists(join(snapshot, 'PG_VERSION'))) return snapshot;

  const building = await mkdtemp(join(root, 'hallpass-pglite-build-'));
  await cp(await pgliteEmpty(root), building, { recursive: true });
  const connection = await connect({ dataDir: building });
  try {
    await migrateToLatest(connection.knex);
    /* c8 ignore start - only a broken migration (a task-00 stub) fails here */
  } catch (error) {
    await connection.close();
    await rm(building, { recursive: true, force: true });
    throw error;
  }
  /* c8 ignore stop */
  await connection.close();
  try {
    await rename(building, snapshot);
  } catch {
    // Another test file finished its copy first; theirs is as good as ours.
    await rm(building, { recursive: true, force: true });
  }
  return snapshot;
}

/**
 * An empty PGlite database (initdb done, nothing migrated), kept between runs:
 * the migrated snapshot is built from a copy of it, so a run whose migrations
 * changed (or fail, as task 00's stub does on every run) never pays for initdb.
 */
export async function pgliteEmpty(root = tmpdir()): Promise<string> {
  const empty = join(root, `hallpass-pglite-empty-${PGLITE_VERSION}`);
  if (await exists(join(empty, 'PG_VERSION'))) return empty;
  const building = await mkdtemp(join(root, 'hallpass-pglite-build-'));
  const connection = await connect({ dataDir: building });
  await connection.close();
  try {
    await rename(building, empty);
  } catch {
    // Another test file finished first; theirs is as good as ours.
    await rm(building, { recursive: true, force: true });
  }
  return empty;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
