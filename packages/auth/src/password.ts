import { availableParallelism } from 'node:os';
import bcryptLibrary from 'bcrypt';
import { Slots } from './slots.ts';
import { InvalidArgumentError, TaskNotDoneError } from '@hallpass/db';

/**
 * bcrypt runs on libuv's thread pool, 4 threads by default. On a machine with
 * fewer cores, 4 hashes at once finish no sooner than one per core, and they
 * take the CPU from the event loop, so every other request waits (a login
 * burst made `GET /profile`'s p99 several times longer). So at most one hash or
 * compare per core runs; the others queue here, in order.
 */
export const bcryptSlots = new Slots(availableParallelism());
const bcrypt = {
  hash: (password: string, cost: number): Promise<string> => bcryptSlots.run(() => bcryptLibrary.hash(password, cost)),
  compare: (password: string, hash: string): Promise<boolean> => bcryptSlots.run(() => bcryptLibrary.compare(password, hash)),
};

/** bcrypt's default work factor: 2^12 rounds, about a quarter of a second on a server today. */
export const DEFAULT_BCRYPT_COST = 12;

/** bcrypt reads only the first 72 bytes of a password and silently ignores the rest. */
export const MAX_PASSWORD_BYTES = 72;

/** The production policy's minimum for a password that is the only factor (NIST SP 800-63B-4 §3.1.1.2), in characters. */
export const MIN_PASSWORD_LENGTH = 15;

/** bcrypt defines costs from 4 to 31; outside that range the library would silently pick another. */
const MIN_BCRYPT_COST = 4;
const MAX_BCRYPT_COST = 31;

export interface HashOptions {
  /** bcrypt's cost (log2 of its rounds), 4 to 31; 12 when not given. */
  cost?: number;
}

/** The cost to hash with, refused when bcrypt would not use it as given. */
export function checkBcryptCost(cost: unknown): number {
  if (typeof cost !== 'number' || !Number.isInteger(cost) || cost < MIN_BCRYPT_COST || cost > MAX_BCRYPT_COST) {
    throw new InvalidArgumentError(`the bcrypt cost must be a whole number from ${MIN_BCRYPT_COST} to ${MAX_BCRYPT_COST}, got ${String(cost)}`);
  }
  return cost;
}

/**
 * The rule every password meets before bcrypt sees it: a non-empty string of at
 * most 72 bytes in UTF-8. A longer one is refused, never cut: bcrypt would
 * ignore its tail, so any password sharing the first 72 bytes would match.
 */
export function checkPasswordInput(password: unknown): asserts password is string {
  // #region task-04
  if (typeof password !== 'string' || password === '') {
    throw new InvalidArgumentError(`password must be a non-empty string, got ${typeName(password)}`);
  }
  // Count bytes, not characters: 'é' is one character but two bytes.
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes > MAX_PASSWORD_BYTES) {
    throw new InvalidArgumentError(`password must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8, got ${bytes} bytes`);
  }
  // #stub
  // throw new TaskNotDoneError(4, 'write `checkPasswordInput`: refuse a password that is not a non-empty string of at most 72 bytes');
  // #endregion
}

/** A salted bcrypt hash (`$2b$…`) of `password`, computed off the event loop. */
export async function hashPassword(password: string, options: HashOptions = {}): Promise<string> {
  // #region task-04
  const cost = checkBcryptCost(options?.cost === undefined ? DEFAULT_BCRYPT_COST : options.cost);
  checkPasswordInput(password);
  // The async API runs bcrypt on libuv's thread pool, so other requests keep being served.
  return bcrypt.hash(password, cost);
  // #stub
  // throw new TaskNotDoneError(4, 'write `hashPassword`: hash the password with bcrypt and return the `$2b$` hash');
  // #endregion
}

/** Whether `password` is the one `hashedPassword` was made from. */
export async function verifyPassword(password: string, hashedPassword: string): Promise<boolean> {
  // #region task-08
  // The same rule as for hashing: a longer password could match on its first 72 bytes alone.
  checkPasswordInput(password);
  if (typeof hashedPassword !== 'string') {
    throw new InvalidArgumentError(`hashedPassword must be a string, got ${typeName(hashedPassword)}`);
  }
  return bcrypt.compare(password, hashedPassword);
  // #stub
  // throw new TaskNotDoneError(8, 'write `verifyPassword`: compare the password with the stored bcrypt hash');
  // #endregion
}

/** Names a value's type for an error message without echoing the value: it may be a secret. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  return typeof value;
}
