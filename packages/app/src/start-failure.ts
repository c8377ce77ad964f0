import { stat } from 'node:fs/promises';
import { HallpassError, isDatabaseUnavailable, redact } from '@hallpass/db';
import { ConfigError, type Config } from './config.ts';
import { RedisUnavailableError } from './errors.ts';

/** The exit statuses of a start that fails, as docs/operations.md lists them. */
export const exitStatus = {
  /** Anything else: the port is taken, the data folder is locked, the database refused the service's user… */
  failed: 1,
  /** A setting is wrong or unsafe: the message names each one. */
  refused: 2,
  /** A server the service needs (PostgreSQL, Redis) did not answer: trying again later may work. */
  unreachable: 3,
} as const;

/** Why the service did not start, in one line naming the setting to look at, and the exit status that says which kind of failure it is. */
export class StartError extends HallpassError {
  readonly status: number;

  constructor(message: string, status: number, options?: ErrorOptions) {
    super('ERR_START', message, options);
    this.status = status;
  }
}

/**
 * The embedded database's folder must be the service's user's alone: PGlite's
 * files hold every account's hash and token digests, and a process that can
 * write them can make itself any user. A folder the service creates is mode
 * 0700; an existing one that others may read or write is refused rather than
 * quietly fixed, since whoever could reach it may already have read or changed
 * it: the operator checks it, then runs `chmod 700`.
 */
export async function checkDataDir(dir: string): Promise<void> {
  const found = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new ConfigError([`HALLPASS_DATA_DIR (${dir}) cannot be read: ${error.message}`]);
  });
  if (found === undefined) return;
  if (!found.isDirectory()) throw new ConfigError([`HALLPASS_DATA_DIR (${dir}) is not a folder`]);
  const mode = found.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    const shown = mode.toString(8).padStart(3, '0');
    throw new ConfigError([
      `HALLPASS_DATA_DIR (${dir}) may be read or written by other users (mode ${shown}): the database in it holds every password hash. Check that nobody else changed it, then: chmod 700 ${dir}`,
    ]);
  }
}

/** A failure to open the database, naming the variable that chose it, and whether retrying may help. */
export function databaseFailure(error: unknown, config: Pick<Config, 'databaseUrl'>): StartError {
  const variable = config.databaseUrl === undefined ? 'HALLPASS_DATA_DIR' : 'DATABASE_URL';
  const message = error instanceof Error ? error.message : String(error);
  const status = isDatabaseUnavailable(error) ? exitStatus.unreachable : exitStatus.failed;
  return new StartError(`${variable}: ${message}`, status, { cause: error });
}

/**
 * A failure while the service's plugins start. With `REDIS_URL` set, a failure
 * that is not one of the service's own errors comes from the Redis client: the
 * only server the plugins connect to.
 */
export function pluginFailure(error: unknown, config: Pick<Config, 'redisUrl'>): unknown {
  if (error instanceof RedisUnavailableError) return new StartError(`REDIS_URL: ${error.message}`, exitStatus.unreachable, { cause: error });
  if (config.redisUrl === undefined || error instanceof HallpassError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StartError(`REDIS_URL: the Redis server at ${redact(config.redisUrl)} did not answer: ${message}`, exitStatus.unreachable, { cause: error });
}

/** The line an operator reads, and the status the process exits with. */
export function describeStartFailure(error: unknown): { line: string; status: number } {
  const status = error instanceof StartError ? error.status : error instanceof ConfigError ? exitStatus.refused : exitStatus.failed;
  if (error instanceof HallpassError) return { line: error.message, status };
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return { line: 'the port is already in use: stop the other server or set PORT', status };
  /* c8 ignore next - a privileged port refuses only non-root users, and CI runs as root */
  if (code === 'EACCES') return { line: 'not allowed to listen on that address or port: set HOST/PORT', status };
  return { line: String(error), status };
}

/** `promise`, or nothing once `ms` have passed: a clean-up that hangs must not keep a failed start from exiting. */
export function atMost(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise.catch(() => {}), bound]).finally(() => clearTimeout(timer));
}
