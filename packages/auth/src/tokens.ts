import { randomUUID } from 'node:crypto';
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
