import { availableParallelism } from 'node:os';
import bcryptLibrary from 'bcrypt';
import { InvalidArgumentError, TaskNotDoneError } from '@hallpass/db';
import { Slots } from './slots.ts';

/**
 * bcrypt jobs that may wait per core by default. A queued job waits for the
 * ones ahead of it, one per core at a time: at most 16 hash times (4 s at cost
 * 12 on a server that hashes in a quarter of a second), under the 10-second
 * request timeout.
 */
export const DEFAULT_BCRYPT_QUEUE_PER_CORE = 16;

/**
 * bcrypt runs on libuv's thread pool, 4 threads by default. On a machine with
 * fewer cores, 4 hashes at once finish no sooner than one per core, and they
 * take the CPU from the event loop, so every other request waits (a login
 * burst made `GET /profile`'s p99 several times longer). So at most one hash or
 * compare per core runs; the others queue here, in order, and at most
 * `maxWaiting` of them (16 per core unless the service says otherwise, e.g.
 * `BCRYPT_MAX_QUEUE`): one more is refused with `BusyError` before any hashing,
 * so a flood of logins cannot make every caller wait without bound.
 */
export const bcryptSlots = new Slots(availableParallelism(), DEFAULT_BCRYPT_QUEUE_PER_CORE * availableParallelism());
let hashesComputed = 0;
const bcrypt = {
  hash: (password: string, cost: number): Promise<string> =>
    bcryptSlots.run(() => {
      hashesComputed++;
      return bcryptLibrary.hash(password, cost);
    }),
  compare: (password: string, hash: string): Promise<boolean> => bcryptSlots.run(() => bcryptLibrary.compare(password, hash)),
};

/** How many bcrypt hashes this process has computed (compares aside): tests count them. */
export function bcryptHashCount(): number {
  return hashesComputed;
}

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
  // Nobody types a NUL, a line break or an escape into a password field; bcrypt would stop reading at a NUL.
  const control = controlCharacter.exec(password);
  if (control !== null) {
    throw new InvalidArgumentError(`password must not contain control characters other than tab, got U+${hex(control[0])}`);
  }
  // Count bytes, not characters: 'é' is one character but two bytes. And count what is hashed: the NFC form.
  const bytes = Buffer.byteLength(password.normalize('NFC'), 'utf8');
  if (bytes > MAX_PASSWORD_BYTES) {
    throw new InvalidArgumentError(`password must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8, got ${bytes} bytes`);
  }
  // #stub
  // throw new TaskNotDoneError(4, 'write `checkPasswordInput`: refuse a password that is not a non-empty string of at most 72 bytes, or holds a control character other than tab');
  // #endregion
}

/** A salted bcrypt hash (`$2b$…`) of `password` in Unicode NFC, computed off the event loop. */
export async function hashPassword(password: string, options: HashOptions = {}): Promise<string> {
  // #region task-04
  const cost = checkBcryptCost(options?.cost === undefined ? DEFAULT_BCRYPT_COST : options.cost);
  checkPasswordInput(password);
  // One password, one form, however the keyboard composed its accents (NIST SP 800-63B-4 §3.1.1.2).
  // The async API runs bcrypt on libuv's thread pool, so other requests keep being served.
  return bcrypt.hash(password.normalize('NFC'), cost);
  // #stub
  // throw new TaskNotDoneError(4, 'write `hashPassword`: hash the password, in NFC, with bcrypt and return the `$2b$` hash');
  // #endregion
}

/**
 * Whether `password` is the one `hashedPassword` was made from. Its NFC form is
 * compared; a hash made before passwords were normalised may hold another form,
 * so when the password as typed differs from its NFC form, that is tried too.
 */
export async function verifyPassword(password: string, hashedPassword: string): Promise<boolean> {
  // #region task-08
  // The same rule as for hashing: a longer password could match on its first 72 bytes alone.
  checkPasswordInput(password);
  if (typeof hashedPassword !== 'string') {
    throw new InvalidArgumentError(`hashedPassword must be a string, got ${typeName(hashedPassword)}`);
  }
  const normalized = password.normalize('NFC');
  if (await bcrypt.compare(normalized, hashedPassword)) return true;
  return normalized !== password && Buffer.byteLength(password, 'utf8') <= MAX_PASSWORD_BYTES && bcrypt.compare(password, hashedPassword);
  // #stub
  // throw new TaskNotDoneError(8, 'write `verifyPassword`: compare the password, in NFC, with the stored bcrypt hash');
  // #endregion
}

/** The cost a bcrypt hash was made with (`$2b$12$…` → 12), or `undefined` for anything else. */
export function bcryptCostOf(hashedPassword: string): number | undefined {
  const match = /^\$2[abxy]\$(\d\d)\$/.exec(hashedPassword);
  return match === null ? undefined : Number(match[1]);
}

/** Unicode control characters (Cc: C0, DEL, C1), tab excepted. */
const controlCharacter = /[^\P{Cc}\t]/u;

/** A character's code point as four or more hex digits, for a message that must not quote a secret. */
function hex(character: string): string {
  return character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
}

/** Names a value's type for an error message without echoing the value: it may be a secret. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  return typeof value;
}
