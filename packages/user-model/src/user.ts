import { Model, snakeCaseMappers } from 'objection';
import { TaskNotDoneError } from './errors.ts';

/** The properties a `User` exposes, in camelCase; the columns are their snake_case forms. */
export const userProperties = ['id', 'email', 'hashedPassword', 'sessionId', 'resetToken'] as const;

export type UserProperty = (typeof userProperties)[number];

/** A user's data as plain values, keyed by property name. */
export interface UserProps {
  id: number;
  email: string;
  hashedPassword: string;
  sessionId: string | null;
  resetToken: string | null;
}

export function isUserProperty(key: string): key is UserProperty {
  return (userProperties as readonly string[]).includes(key);
}

/** One row of the `users` table (the Python original's `User` in `user.py`). */
export class User extends Model implements UserProps {
  declare id: number;
  declare email: string;
  declare hashedPassword: string;
  declare sessionId: string | null;
  declare resetToken: string | null;

  // #region task-00
  static override get tableName(): string {
    return 'users';
  }

  // Properties stay camelCase in TypeScript while the columns are snake_case.
  static override get columnNameMappers() {
    return snakeCaseMappers();
  }
  // #stub
  // static override get tableName(): string {
  //   throw new TaskNotDoneError(0, 'give `User` its table name and map camelCase properties to snake_case columns');
  // }
  // #endregion
}
