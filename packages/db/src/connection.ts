import { mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises';
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
}

/** A knex handle plus whatever must be shut down with it. */
export interface Connection {
  readonly knex: Knex;
  readonly kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

/** Opens PostgreSQL when a URL is given, the embedded database otherwise. */
export async function connect(options: ConnectionOptions): Promise<Connection> {
  if (options.connection !== undefined) return connectPostgres(options.connection);
  return connectPGlite(options.dataDir);
}

function connectPostgres(url: string): Connection {
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new DatabaseOpenError(`connection must be a postgres:// or postgresql:// URL, got "${redact(url)}"`);
  }
  const knex = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 10 }, log: quietLog });
  return { knex, kind: 'postgres', close: () => knex.destroy() };
}

/* c8 ignore start - knex's own console output: failures reach the caller as errors, so it says nothing */
const quiet = (): void => {};
const quietLog = { warn: quiet, error: quiet, deprecate: quiet, debug: quiet };
/* c8 ignore stop */

/** Hides the password of a connection URL, so it can go into an error message or a log. */
export function redact(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

/**
 * PGlite is Postgres compiled to WebAssembly, running inside this process. A
 * pglite-socket server speaks the wire protocol on a private Unix socket, so the
 * same `pg` driver (and knex) serve both backends.
 */
async function connectPGlite(dataDir: string | undefined): Promise<Connection> {
  let releaseLock = async () => {};
  let pglite: PGlite | undefined;
  let socketDir: string | undefined;
  try {
    if (dataDir !== undefined) releaseLock = await lockDataDir(resolve(dataDir));
    pglite = await PGlite.create(dataDir === undefined ? undefined : resolve(dataDir));
    // A private folder (mode 0700) keeps other local users away from the socket.
    socketDir = await mkdtemp(join(tmpdir(), 'hallpass-pglite-'));
    const server = new PGLiteSocketServer({ db: pglite, path: join(socketDir, '.s.PGSQL.5432') });
    await server.start();
    // PGlite is a single backend session: one pooled connection, so no two
    // transactions can interleave on it.
    const knex = knexFactory({
      client: 'pg',
      connection: { host: socketDir, port: 5432, user: 'postgres', database: 'postgres' },
      pool: { min: 0, max: 1 },
      log: quietLog,
    });
    const db = pglite;
    const dir = socketDir;
    return {
      knex,
      kind: 'pglite',
      async close() {
        await knex.destroy();
        await server.stop();
        await db.close();
        await rm(dir, { recursive: true, force: true });
        await releaseLock();
      },
    };
  } catch (error) {
    /* c8 ignore next 2 - clean-up for a server that failed after PGlite started */
    await pglite?.close().catch(() => {});
    if (socketDir !== undefined) await rm(socketDir, { recursive: true, force: true });
    await releaseLock();
    if (error instanceof DatabaseOpenError) throw error;
    /* c8 ignore next - an in-memory database has no folder to be wrong */
    const where = dataDir === undefined ? 'in memory' : `in ${dataDir}`;
    throw new DatabaseOpenError(`cannot open the embedded database ${where}: ${String(error)}`, { cause: error });
  }
}

/**
 * PGlite has no lock of its own, and two processes writing one data folder
 * corrupt it. A lock file holding our pid refuses a second opener; a lock left
 * by a process that has died is taken over.
 */
async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const lockFile = join(dir, 'hallpass.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockFile, { force: true });
    } catch (error) {
      /* c8 ignore next - a folder we may not write to; root (as in CI) can write anywhere */
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await readFile(lockFile, 'utf8').catch(lockVanished), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new DatabaseOpenError(`the data folder ${dir} is in use by process ${owner}; stop it or set another HALLPASS_DATA_DIR`);
      }
      if (owner === process.pid) {
        throw new DatabaseOpenError(`the data folder ${dir} is already open in this process; close it first`);
      }
      await rm(lockFile, { force: true });
    }
  }
  throw new DatabaseOpenError(`cannot lock the data folder ${dir}`);
}

/* c8 ignore next - the lock was removed between our two calls; try again */
const lockVanished = (): string => '';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
