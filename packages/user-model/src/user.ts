import { Model, snakeCaseMappers } from 'objection';
import { TaskNotDoneError } from './errors.ts';

/**
 * The properties a `User` exposes, in camelCase; the columns are their snake_case forms.
 * The first five are the course's data model; the security track adds the rest.
 */
export const userProperties = [
  'id',
  'email',
  'hashedPassword',
  'sessionId',
  'resetToken',
  'canonicalEmail',
  'sessionCreatedAt',
  'sessionSeenAt',
  'resetCreatedAt',
  'confirmationToken',
  'confirmationCreatedAt',
] as const;

/** The properties that hold a point in time (`timestamptz` columns). */
export const timestampProperties = ['sessionCreatedAt', 'sessionSeenAt', 'resetCreatedAt', 'confirmationCreatedAt'] as const;

export type UserProperty = (typeof userProperties)[number];

/** A user's data as plain values, keyed by property name. */
export interface UserProps {
  id: number;
  email: string;
  hashedPassword: string;
  /** The session token's SHA-256 digest once the security track stores digests (the token itself before). */
  sessionId: string | null;
  /** The reset token's SHA-256 digest once the security track stores digests (the token itself before). */
  resetToken: string | null;
  /** `email` trimmed, in Unicode NFC and lower case: the form that is unique. */
  canonicalEmail: string | null;
  /** When the current session began (its absolute limit counts from here). */
  sessionCreatedAt: Date | null;
  /** When the current session was last used (its idle limit counts from here). */
  sessionSeenAt: Date | null;
  /** When the current reset token was issued (its lifetime counts from here). */
  resetCreatedAt: Date | null;
  /** Until the account's email is confirmed, the SHA-256 digest of the token mailed to it; `null` once confirmed (and for every account made otherwise). */
  confirmationToken: string | null;
  /** When the confirmation token was issued; an unconfirmed account is deleted once the token has expired. */
  confirmationCreatedAt: Date | null;
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
  declare canonicalEmail: string | null;
  declare sessionCreatedAt: Date | null;
  declare sessionSeenAt: Date | null;
  declare resetCreatedAt: Date | null;
  declare confirmationToken: string | null;
  declare confirmationCreatedAt: Date | null;

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
