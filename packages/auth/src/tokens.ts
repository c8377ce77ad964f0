import { createHash, randomUUID } from 'node:crypto';
import { TaskNotDoneError } from '@hallpass/db';

/**
 * A random UUID v4 string, used as a session id or a reset token. 122 random
 * bits from the operating system's CSPRNG, so nobody can guess one.
 */
export function generateUuid(): string {
  // #region task-09
  return randomUUID();
  // #stub
  // throw new TaskNotDoneError(9, 'write `generateUuid`: return a new random UUID v4 string');
  // #endregion
}

/** What `generateUuid` gives out: a UUID v4 in lower case. Anything else was never issued. */
const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Whether `value` has the shape of a token this service issues; others are refused before any query. */
export function isWellFormedToken(value: unknown): value is string {
  // #region task-22
  return typeof value === 'string' && uuidV4.test(value);
  // #stub
  // throw new TaskNotDoneError(22, 'write `isWellFormedToken`: true only for a lower-case UUID v4 string');
  // #endregion
}

/**
 * The form a token is stored in: its SHA-256 digest, in hex. The client keeps
 * the token; the database only its digest, so a copy of the table opens no
 * session. A fast hash is enough: a token has 122 random bits, nothing to guess.
 */
export function hashToken(token: string): string {
  // #region task-22
  return createHash('sha256').update(token, 'utf8').digest('hex');
  // #stub
  // throw new TaskNotDoneError(22, 'write `hashToken`: the SHA-256 digest of the token, in hex');
  // #endregion
}
