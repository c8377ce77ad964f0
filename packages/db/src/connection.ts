import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { link, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import knexFactory, { type Knex } from 'knex';
import { DatabaseOpenError } from './errors.ts';

export interface ConnectionOptions {
  /** A PostgreSQL URL (`postgres://user@host:5432/db`). Without it, the embedded PGlite database is used. */
  connection?: string | undefined;
  /** Where the embedded database keeps its files. Without it (and without `connection`) it lives in memory. */
  dataDir?: string | undefined;
  /** A query running longer is cancelled and fails (PostgreSQL's `statement_timeout`, plus a client-side limit). PostgreSQL only. */
  queryTimeoutMs?: number | undefined;
  /** Time allowed to get a connection: opening one, or waiting for a free one in the pool. PostgreSQL only. */
  connectTimeoutMs?: number | undefined;
  /** PostgreSQL connections in the pool; the embedded database always has one. */
  poolMax?: number | undefined;
}

/** The limits applied when the caller gives none. */
export const defaultLimits = { queryTimeoutMs: 5_000, connectTimeoutMs: 5_000, poolMax: 10 } as const;

/**
 * The pg driver's settings for those limits. The server cancels a statement at
 * `statement_timeout`; the client gives up a little later, for a server that no
 * longer answers at all (a network partition).
 */
function driverLimits(options: ConnectionOptions) {
  const queryTimeoutMs = options.queryTimeoutMs ?? defaultLimits.queryTimeoutMs;
  return {
    statement_timeout: queryTimeoutMs,
    query_timeout: queryTimeoutMs + 1_000,
    connectionTimeoutMillis: options.connectTimeoutMs ?? defaultLimits.connectTimeoutMs,
  };
}

/** A knex handle plus whatever must be shut down with it. */
export interface Connection {
  readonly knex: Knex;
  readonly kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

/** Opens PostgreSQL when a URL is given, the embedded database otherwise. */
export async function connect(options: ConnectionOptions): Promise<Connection> {
  if (options.connection !== undefined) return connectPostgres(options.connection, options);
  return connectPGlite(options.dataDir);
}

function connectPostgres(url: string, options: ConnectionOptions): Connection {
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new DatabaseOpenError(`connection must be a postgres:// or postgresql:// URL, got "${redact(url)}"`);
  }
  const knex = knexFactory({
    client: 'pg',
    connection: { connectionString: url, ...driverLimits(options) },
    pool: { min: 0, max: options.poolMax ?? defaultLimits.poolMax },
    acquireConnectionTimeout: options.connectTimeoutMs ?? defaultLimits.connectTimeoutMs,
    ...quietErrors,
  });
  return { knex, kind: 'postgres', close: () => knex.destroy() };
}

/* c8 ignore start - knex's own console output: failures reach the caller as errors, so it says nothing */
const quiet = (): void => {};
const quietLog = { warn: quiet, error: quiet, deprecate: quiet, debug: quiet };
/* c8 ignore stop */

/**
 * knex's console output off, and query errors without bound values: by default
 * knex writes the SQL *with its values* into a failed query's message (for the
 * `pg` client it has already turned `?` into `$1`, so there are none to fill
 * in, but a change of client or of knex must not bring them back), which would
 * carry an email, a password hash or a token digest into any log that prints
 * the error. With `compileSqlOnError: false` it writes the SQL with its
 * placeholders (test/query-errors.test.ts).
 */
const quietErrors = { log: quietLog, compileSqlOnError: false } as const;

/** Query parameters that carry credentials (`password=`, `sslpassword=`, `token=`, `secret=`, `...key=`). */
const secretParameter = /pass|secret|token|key/i;

/**
 * Hides the credentials of a URL (the user info's password, and parameters such
 * as `?password=`), so it can go into an error message or a log. Text that is
 * not a URL keeps only its scheme.
 */
export function redact(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0];
    return scheme === undefined ? '***' : `${scheme}***`;
  }
  if (parsed.password !== '') parsed.password = '***';
  for (const name of new Set(parsed.searchParams.keys())) {
    if (secretParameter.test(name)) parsed.searchParams.set(name, '***');
  }
  return parsed.toString().replaceAll('%2A%2A%2A', '***');
}

/**
 * PGlite is Postgres compiled to WebAssembly, running inside this process. A
 * pglite-socket server speaks the wire protocol on a private Unix socket, so the
 * same `pg` driver (and knex) serve both backends.
 */
async function connectPGlite(dataDir: string | undefined, fromTemplate = true): Promise<Connection> {
  const lent = dataDir === undefined ? undefined : lentDatabases.get(resolve(dataDir));
  if (lent !== undefined) return borrow(lent);
  let releaseLock = async () => {};
  let pglite: PGlite | undefined;
  try {
    if (dataDir !== undefined) releaseLock = await lockDataDir(resolve(dataDir));
    if (dataDir !== undefined && fromTemplate) await copyEmptyDatabase(resolve(dataDir));
    pglite = await PGlite.create(dataDir === undefined ? undefined : resolve(dataDir));
    const db = pglite;
    return await serve(db, async () => {
      await db.close();
      await releaseLock();
    });
  } catch (error) {
    /* c8 ignore next 2 - clean-up for a server that failed after PGlite started */
    await pglite?.close().catch(() => {});
    await releaseLock();
    if (error instanceof DatabaseOpenError) throw error;
    /* c8 ignore next - an in-memory database has no folder to be wrong */
    const where = dataDir === undefined ? 'in memory' : `in ${dataDir}`;
    throw new DatabaseOpenError(`cannot open the embedded database ${where}: ${String(error)}`, { cause: error });
  }
}

/** The PGlite release (pinned in this package) an empty database is made by: its files are only good for that one. */
function pgliteVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
  return String(manifest.dependencies['@electric-sql/pglite']);
}

/**
 * An empty embedded database (initdb done, nothing in it), made once per PGlite
 * release in `root` and kept there: creating one takes seconds of CPU, copying
 * it a fraction of that. New data folders (`connect`) and the test support's
 * snapshots start from a copy. The folder is only ever renamed into place
 * whole, so a process that sees it may copy it.
 */
export async function emptyDatabase(root = tmpdir()): Promise<string> {
  const empty = join(root, `hallpass-pglite-empty-${pgliteVersion()}`);
  if (existsSync(join(empty, 'PG_VERSION'))) return empty;
  const building = await mkdtemp(join(root, 'hallpass-pglite-build-'));
  const connection = await connectPGlite(building, false);
  await connection.close();
  try {
    await rename(building, empty);
  } catch {
    /* c8 ignore next 2 - another process finished first; theirs is as good as ours */
    await rm(building, { recursive: true, force: true });
  }
  return empty;
}

/**
 * Gives a new data folder its files from the empty database rather than
 * initdb, which takes seconds of CPU. A folder that already holds a database
 * is left alone; when no empty database can be made (no room in the temporary
 * folder), PGlite runs initdb in the folder as it would anyway.
 */
async function copyEmptyDatabase(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  let empty: string;
  try {
    empty = await emptyDatabase();
    /* c8 ignore next 3 - a temporary folder that refuses files */
  } catch {
    return;
  }
  // cpSync: over the thousand files of a database, the promise-based copy takes several times longer.
  cpSync(empty, dataDir, { recursive: true });
}

/** Puts a running PGlite behind a socket and a knex handle; `after` runs once both are closed. */
async function serve(pglite: PGlite, after: () => Promise<void>): Promise<Connection> {
  // A private folder (mode 0700) keeps other local users away from the socket.
  const socketDir = await mkdtemp(join(tmpdir(), 'hallpass-pglite-'));
  const server = new PGLiteSocketServer({ db: pglite, path: join(socketDir, '.s.PGSQL.5432') });
  try {
    await server.start();
    /* c8 ignore next 4 - a socket folder that cannot be listened on */
  } catch (error) {
    await rm(socketDir, { recursive: true, force: true });
    throw error;
  }
  // PGlite is a single backend session: one pooled connection, so no two
  // transactions can interleave on it.
  const knex = knexFactory({
    client: 'pg',
    // No query or connect timeouts: PGlite runs inside this process and cannot interrupt a
    // statement, so a client giving up would only leave the one session busy under the next query.
    connection: { host: socketDir, port: 5432, user: 'postgres', database: 'postgres' },
    pool: { min: 0, max: 1 },
    ...quietErrors,
  });
  return {
    knex,
    kind: 'pglite',
    async close() {
      await knex.destroy();
      await server.stop();
      await rm(socketDir, { recursive: true, force: true });
      await after();
    },
  };
}

/**
 * An embedded database kept running by its owner and lent to `connect()`:
 * opening its folder gives a handle of its own on the running database, and
 * closing that handle leaves the database running. One handle at a time.
 * Starting PGlite takes a good part of a second; the test support
 * (`@hallpass/db/testing`) lends one database to a test file's tests in turn.
 */
export interface LentDatabase {
  readonly dataDir: string;
  readonly pglite: PGlite;
  /** True while a handle on it is open. */
  readonly borrowed: boolean;
  /** Takes it back: later `connect()` calls open the folder as usual. Refused while borrowed. */
  withdraw(): void;
}

interface Lending {
  dataDir: string;
  pglite: PGlite;
  borrowed: boolean;
}

const lentDatabases = new Map<string, Lending>();

/** Lends the running `pglite`, whose files are in `dataDir`, to `connect({ dataDir })`. */
export function lendDatabase(dataDir: string, pglite: PGlite): LentDatabase {
  const key = resolve(dataDir);
  if (lentDatabases.has(key)) throw new DatabaseOpenError(`the data folder ${dataDir} is already lent`);
  const lending: Lending = { dataDir: key, pglite, borrowed: false };
  lentDatabases.set(key, lending);
  return {
    dataDir: key,
    pglite,
    get borrowed() {
      return lending.borrowed;
    },
    withdraw() {
      if (lending.borrowed) throw new DatabaseOpenError(`the data folder ${dataDir} is in use; close its handle first`);
      lentDatabases.delete(key);
    },
  };
}

async function borrow(lending: Lending): Promise<Connection> {
  if (lending.borrowed) throw new DatabaseOpenError(`the data folder ${lending.dataDir} is already open in this process; close it first`);
  lending.borrowed = true;
  try {
    return await serve(lending.pglite, async () => {
      lending.borrowed = false;
    });
    /* c8 ignore next 4 - a socket folder that cannot be listened on */
  } catch (error) {
    lending.borrowed = false;
    throw error;
  }
}

/**
 * PGlite has no lock of its own, and two processes writing one data folder
 * corrupt it. A lock file holding the owner's pid refuses a second opener. It
 * is created whole in one step (written aside, then hard-linked into place,
 * which fails if the name exists), so no opener ever sees it empty. A lock left
 * by a dead process is taken over only by the holder of a takeover claim (also
 * created exclusively), who checks again under the claim that it is still the
 * dead one: two openers can never both remove a stale lock and both start.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  // Only the service's user may read the database files or reach into the folder.
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const lockFile = join(dir, 'hallpass.lock');
  const claimFile = join(dir, 'hallpass.lock.takeover');
  const release = () => rm(lockFile, { force: true });
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await createWithPid(lockFile)) return release;
    const owner = await ownerOf(lockFile);
    if (owner === process.pid) {
      throw new DatabaseOpenError(`the data folder ${dir} is already open in this process; close it first`);
    }
    if (owner !== undefined && isAlive(owner)) {
      throw new DatabaseOpenError(`the data folder ${dir} is in use by process ${owner}; stop it or set another HALLPASS_DATA_DIR`);
    }
    // Stale (its process has died), or gone since we tried: take it over under the claim.
    if (await createWithPid(claimFile)) {
      try {
        // Under the claim nobody else removes the lock, and nobody creates one while it exists: a lock
        // still there and still dead (or holding no pid, which no live opener leaves) is safe to remove.
        // A lock gone meanwhile is left alone: another opener may be creating its own right now.
        const again = await readFile(lockFile, 'utf8').catch(() => null);
        /* c8 ignore next 2 - whether the lock is still there depends on how the racing openers interleave */
        const pid = again === null ? undefined : pidIn(again);
        if (again !== null && (pid === undefined || !isAlive(pid))) await rm(lockFile);
      } finally {
        await rm(claimFile, { force: true });
      }
      continue;
    }
    const claimant = await ownerOf(claimFile);
    /* c8 ignore next 3 - a process that died in the few milliseconds of a takeover */
    if (claimant !== undefined && claimant !== process.pid && !isAlive(claimant)) {
      throw new DatabaseOpenError(`a takeover of the lock of ${dir} was interrupted; if no hallpass runs there, remove ${claimFile}`);
    }
    // Another opener is taking the stale lock over right now: see who won.
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new DatabaseOpenError(`cannot lock the data folder ${dir}: too many processes are opening it at once`);
}

/** Creates `file` holding this process's pid, atomically and only if it does not exist: false if it does. */
async function createWithPid(file: string): Promise<boolean> {
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(draft, String(process.pid), { mode: 0o600 });
  const linked = await link(draft, file).then(
    () => true as const,
    (error: NodeJS.ErrnoException) => error,
  );
  await rm(draft, { force: true });
  /* c8 ignore next - a folder we may not write to; root (as in CI) can write anywhere */
  if (linked !== true && linked.code !== 'EEXIST') throw linked;
  return linked === true;
}

/** The pid a lock or claim file holds; `undefined` when it is gone or holds no pid. */
async function ownerOf(file: string): Promise<number | undefined> {
  return pidIn(await readFile(file, 'utf8').catch(() => ''));
}

/** The pid a lock or claim file's text holds, if it holds one. */
function pidIn(text: string): number | undefined {
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
