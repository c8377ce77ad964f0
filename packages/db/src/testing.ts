/**
 * Test support: every test file gets its own migrated database, so tap can run
 * files in parallel. PostgreSQL when DATABASE_URL is set, embedded PGlite otherwise.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, rmSync, statfsSync } from 'node:fs';
import { access, appendFile, cp, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Knex } from 'knex';
import { userMigrations } from '@hallpass/user-model';
import { connect, emptyDatabase, lendDatabase, type Connection } from './connection.ts';
import { DB } from './db.ts';
import { migrateToLatest, withConnection } from './migrate.ts';

/** The part of a tap test this module needs: somewhere to register clean-up. */
export interface Teardownable {
  teardown(fn: () => unknown): void;
}

/** Where the tests' database lives: `DATABASE_URL`'s server, or PGlite. */
export function testBackend(): 'postgres' | 'pglite' {
  return process.env.DATABASE_URL ? 'postgres' : 'pglite';
}

/**
 * A migrated `DB` of the test's own, closed (and its database removed) when the test ends.
 *
 * Starting a database costs more than most tests (a PGlite copy to start, or a
 * PostgreSQL `CREATE DATABASE` and its migrations), so a test file's tests take
 * turns on one database: each is given it emptied (every table truncated,
 * identities restarted, PGlite's session settings discarded). A test that
 * changed the schema leaves the next test a new database. A test that asks for
 * a second `DB` while holding one gets a database of its own, and so does every
 * test on a PostgreSQL server that refuses the event triggers the sharing needs
 * (they take a superuser).
 */
export async function testDB(t: Teardownable, backend = testBackend()): Promise<DB> {
  const share = await borrowShared(backend);
  if (share === undefined) {
    const db = await DB.open(await isolatedTarget(t, backend));
    t.teardown(() => db.close());
    return db;
  }
  const handle: { db?: DB } = {};
  // Registered before the open, so the database is given back even if the open fails.
  t.teardown(async () => {
    await handle.db?.close();
    share.held = false;
    retireWhenIdle();
  });
  handle.db = await DB.open(share.target);
  return handle.db;
}

/** A test process's shared database, and the tables it is emptied of. */
interface Shared {
  /** What `DB.open` is given to reach it. */
  target: { dataDir: string } | { connection: string };
  /** Its data folder (PGlite) or its URL (PostgreSQL). */
  name: string;
  tables: string[];
  /** Given to a test that has not ended yet. */
  held: boolean;
  /** Not yet given to any test: as empty as when it was made. */
  fresh: boolean;
  /** Empties it for the next test: false when the schema changed (or it could not be emptied). */
  empty(): Promise<boolean>;
  /** Closes and removes it. */
  remove(): Promise<void>;
}
const shared = new Map<'postgres' | 'pglite', Promise<Shared | null>>();
let retiring: NodeJS.Timeout | undefined;

/**
 * PostgreSQL keeps a 10-second timer to flush its statistics, which would hold
 * a PGlite test process open that long after its last test, and a server's
 * database must be dropped before the process ends: the shared database is
 * removed once no test has asked for it for this long (the next test to ask
 * gets a new one).
 */
const IDLE_MS = 50;

/** The shared database, emptied for a test; `undefined` while another test holds it, or when the server cannot share. */
async function borrowShared(backend: 'postgres' | 'pglite'): Promise<Shared | undefined> {
  clearTimeout(retiring);
  let starting = shared.get(backend);
  if (starting === undefined) {
    /* c8 ignore next - PostgreSQL only when DATABASE_URL names a server (as in CI) */
    const start = backend === 'postgres' ? startPostgres : startPGlite;
    starting = start().catch((error: unknown) => {
      /* c8 ignore next 2 - only a database that cannot be migrated (task 00's stub) fails here; the next test tries again */
      shared.delete(backend);
      throw error;
    });
    shared.set(backend, starting);
  }
  const current = await starting;
  /* c8 ignore next - a PostgreSQL server that refuses event triggers (a user without superuser rights) */
  if (current === null) return undefined;
  if (current.held) return undefined;
  current.held = true;
  if (current.fresh) {
    current.fresh = false;
    return current;
  }
  if (await current.empty().catch(() => false)) return current;
  // The schema changed (or the database could not be emptied): retire this one and make another.
  current.held = false;
  await retire(backend, current);
  return borrowShared(backend);
}

function retireWhenIdle(): void {
  clearTimeout(retiring);
  // Kept referenced: a server's database must be dropped before the process ends, which takes this long at most.
  retiring = setTimeout(() => {
    // A test asking for a database clears this timer first, so nobody holds one now.
    for (const [backend, current] of shared) {
      /* c8 ignore next - null: a PostgreSQL server that refuses to share, with nothing to remove */
      void current.then((found) => (found === null ? undefined : retire(backend, found)));
    }
  }, IDLE_MS);
}

/** The data folder (PGlite) or URL (PostgreSQL) of the shared database while there is one (for tests of this module). */
export async function sharedTestDatabase(backend = testBackend()): Promise<string | undefined> {
  return (await shared.get(backend))?.name;
}

async function retire(backend: 'postgres' | 'pglite', current: Shared): Promise<void> {
  if ((await shared.get(backend)) === current) shared.delete(backend);
  await current.remove();
}

/** Copies still on disk: a process that ends before the idle close (a failure, a timeout) removes them on its way out. */
const copies = new Set<string>();
process.once('exit', () => copies.forEach((copy) => rmSync(copy, { recursive: true, force: true })));

async function startPGlite(): Promise<Shared> {
  const dataDir = await mkdtemp(join(copiesFolder(), 'hallpass-test-'));
  copies.add(dataDir);
  cpSync(await pgliteSnapshot(), dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir);
  const lent = lendDatabase(dataDir, pglite);
  const tables = await tablesOf((sql) => pglite.query<{ name: string }>(sql));
  return {
    target: { dataDir },
    name: dataDir,
    tables,
    held: false,
    fresh: true,
    async empty() {
      // The socket server ends a transaction its client left open; if one were still open here,
      // DISCARD ALL would fail and the test would get a new copy instead.
      await pglite.exec('DISCARD ALL');
      const { rows } = await pglite.query<{ changed: boolean }>(SCHEMA_CHANGED);
      if (rows[0]?.changed !== false) return false;
      if (tables.length > 0) await pglite.exec(truncate(tables));
      return true;
    },
    async remove() {
      lent.withdraw();
      await pglite.close();
      await rm(dataDir, { recursive: true, force: true });
      copies.delete(dataDir);
    },
  };
}

/* c8 ignore start - runs only against a PostgreSQL server (DATABASE_URL), as in CI */
/**
 * A migrated database on the server, counting its schema changes as the PGlite
 * snapshot does; null when the server refuses the event triggers (they take a
 * superuser), and each test then gets a database of its own.
 */
async function startPostgres(): Promise<Shared | null> {
  const adminUrl = process.env.DATABASE_URL ?? '';
  const { url, name } = await createPostgresDatabase(adminUrl);
  const drop = (): Promise<void> => dropPostgresDatabase(adminUrl, name);
  let support: Connection;
  try {
    support = await connect({ connection: url, poolMax: 1 });
  } catch (error) {
    await drop();
    throw error;
  }
  try {
    await migrateToLatest(support.knex);
    await support.knex.raw(COUNT_SCHEMA_CHANGES);
  } catch (error) {
    await support.close();
    await drop();
    if ((error as { code?: string }).code === INSUFFICIENT_PRIVILEGE) return null;
    throw error;
  }
  const query = async <Row>(sql: string): Promise<{ rows: Row[] }> => support.knex.raw<{ rows: Row[] }>(sql);
  const tables = await tablesOf(query<{ name: string }>);
  return {
    target: { connection: url },
    name: url,
    tables,
    held: false,
    fresh: true,
    async empty() {
      // Each test connects anew, so no session setting carries over. A connection the last
      // test left in a transaction holds locks: after a moment the database is replaced.
      return support.knex.transaction(async (trx) => {
        await trx.raw("SET LOCAL lock_timeout = '2s'");
        const { rows } = await trx.raw<{ rows: { changed: boolean }[] }>(SCHEMA_CHANGED);
        if (rows[0]?.changed !== false) return false;
        if (tables.length > 0) await trx.raw(truncate(tables));
        return true;
      });
    },
    async remove() {
      await support.close();
      await drop();
    },
  };
}

/** PostgreSQL's error code for a statement the user lacks the rights for. */
const INSUFFICIENT_PRIVILEGE = '42501';

/** Runs one statement about database `name` on the server of `adminUrl`, on a connection of its own. */
async function onServer(adminUrl: string, statement: string, name: string): Promise<void> {
  const admin = await connect({ connection: adminUrl });
  try {
    await admin.knex.raw(statement, [name]);
  } finally {
    await admin.close();
  }
}

/** Creates an empty database of a new name on the server of `adminUrl`; gives its URL and name. */
async function createPostgresDatabase(adminUrl: string): Promise<{ url: string; name: string }> {
  const name = `hallpass_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onServer(adminUrl, 'CREATE DATABASE ??', name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name };
}

function dropPostgresDatabase(adminUrl: string, name: string): Promise<void> {
  return onServer(adminUrl, 'DROP DATABASE IF EXISTS ?? WITH (FORCE)', name);
}
/* c8 ignore stop */

/**
 * Counts the schema changes made in a test database (event triggers fire on
 * every CREATE, ALTER and DROP), so telling whether a test changed the schema
 * of the shared database costs one read. Part of the PGlite snapshot, and run
 * after the migrations on PostgreSQL; the counter lives in a schema of its
 * own, out of the tests' way.
 */
const COUNT_SCHEMA_CHANGES = `
  CREATE SCHEMA hallpass_test_support;
  CREATE SEQUENCE hallpass_test_support.schema_changes;
  CREATE FUNCTION hallpass_test_support.count_schema_change() RETURNS event_trigger LANGUAGE plpgsql
    AS $$ BEGIN PERFORM nextval('hallpass_test_support.schema_changes'); END $$;
  CREATE EVENT TRIGGER hallpass_test_schema_change ON ddl_command_end EXECUTE FUNCTION hallpass_test_support.count_schema_change();
  CREATE EVENT TRIGGER hallpass_test_schema_drop ON sql_drop EXECUTE FUNCTION hallpass_test_support.count_schema_change();`;

/** The tables the tests write to: all of the public schema but knex's migration records. */
async function tablesOf(query: (sql: string) => Promise<{ rows: { name: string }[] }>): Promise<string[]> {
  const { rows } = await query(`SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'knex\\_migrations%' ORDER BY 1`);
  return rows.map((row) => row.name);
}

/** Whether a schema change was counted since the database was made (one read). */
const SCHEMA_CHANGED = 'SELECT is_called AS changed FROM hallpass_test_support.schema_changes';

function truncate(tables: string[]): string {
  return `TRUNCATE ${tables.join(', ')} RESTART IDENTITY CASCADE`;
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
  /* c8 ignore start - only when DATABASE_URL names a server (CI sets it); the PGlite branch below runs everywhere */
  if (backend === 'postgres') {
    const adminUrl = process.env.DATABASE_URL ?? '';
    const { url, name } = await createPostgresDatabase(adminUrl);
    t.teardown(() => dropPostgresDatabase(adminUrl, name));
    return { connection: url };
  }
  /* c8 ignore stop */
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

/**
 * Settings written into the test snapshot's `postgresql.auto.conf`. PGlite's
 * default 128 MB of shared buffers are zeroed each time a database starts,
 * about a tenth of a second that every test paid; the tests' tables are tiny.
 */
const SNAPSHOT_SETTINGS = 'shared_buffers = 8MB\n';

/**
 * Snapshot builds that failed in this process, by snapshot folder (task 00's stub
 * migration, a learner's broken one): each test of a file would otherwise copy
 * the empty database, start PGlite and run the migrations again, a second or more
 * a test, to fail the same way.
 */
const failedBuilds = new Map<string, unknown>();

/**
 * Creating a PGlite database (initdb) takes seconds; copying a migrated one takes
 * a fraction of that. The first test file of a run builds the copy, keyed by the
 * migrations' code, and every later file starts from it; a build that failed is
 * not tried again by the same process.
 */
export async function pgliteSnapshot(root = tmpdir()): Promise<string> {
  const key = createHash('sha256').update(SNAPSHOT_SETTINGS).update(COUNT_SCHEMA_CHANGES);
  for (const migration of userMigrations) key.update(`${migration.name}\n${migration.up.toString()}\n`);
  const snapshot = join(root, `hallpass-pglite-snapshot-${key.digest('hex').slice(0, 16)}`);
  if (await exists(join(snapshot, 'PG_VERSION'))) return snapshot;
  // The same migrations on the same empty database fail the same way: say so at once.
  if (failedBuilds.has(snapshot)) throw failedBuilds.get(snapshot);

  const building = await mkdtemp(join(root, 'hallpass-pglite-build-'));
  try {
    await cp(await pgliteEmpty(root), building, { recursive: true });
    await withConnection({ dataDir: building }, async (knex) => {
      await migrateToLatest(knex);
      await knex.raw(COUNT_SCHEMA_CHANGES);
    });
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    failedBuilds.set(snapshot, error);
    throw error;
  }
  await appendFile(join(building, 'postgresql.auto.conf'), SNAPSHOT_SETTINGS);
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
 * The same one new data folders of the service start from (`emptyDatabase`).
 */
export async function pgliteEmpty(root = tmpdir()): Promise<string> {
  return emptyDatabase(root);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
