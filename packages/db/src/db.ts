import type { Knex } from 'knex';
import {
  InvalidArgumentError,
  TaskNotDoneError,
  User,
  isUserProperty,
  timestampProperties,
  userProperties,
  type UserProperty,
  type UserProps,
} from '@hallpass/user-model';
import { connect, redact, type Connection, type ConnectionOptions } from './connection.ts';
import { canonicalEmail } from './email.ts';
import { DatabaseOpenError, EmailTakenError, InvalidAttributeError, InvalidEmailError, InvalidRequestError, NoResultFoundError } from './errors.ts';
import { migrateToLatest } from './migrate.ts';

export type DBOptions = ConnectionOptions;

export interface ConsumeResetTokenOptions {
  /** Tokens issued at or before this instant have expired. */
  issuedAfter: Date;
  /** The account the token must belong to, in any form `findUserBy` accepts. */
  email?: string | undefined;
}

/** One property and the value it is compared with or set to. */
type Entry = [UserProperty, string | number | Date | null];

/** The longest value a `varchar(250)` column of `users` holds. */
const MAX_COLUMN_LENGTH = 250;

/**
 * The data layer (the Python original's `DB` in `db.py`). It owns the only
 * knex handle, made once in `open`, and hands out `User` rows.
 */
export class DB {
  readonly #connection: Connection;
  #closed = false;

  private constructor(connection: Connection) {
    this.#connection = connection;
  }

  /** Connects (PostgreSQL with `connection`, embedded PGlite otherwise) and migrates to the latest schema. */
  static async open(options: DBOptions = {}): Promise<DB> {
    checkOpenOptions(options);
    const connection = await connect(options);
    try {
      await migrateToLatest(connection.knex);
    } catch (error) {
      await connection.close();
      /* c8 ignore next - the embedded database fails here only when a migration is broken */
      const where = options.connection === undefined ? 'the embedded database' : redact(options.connection);
      throw new DatabaseOpenError(`cannot prepare ${where}: ${(error as Error).message}`, { cause: error });
    }
    return new DB(connection);
  }

  /** Which server is behind this handle: `postgres` or the embedded `pglite`. */
  get backend(): 'postgres' | 'pglite' {
    return this.#connection.kind;
  }

  /** The knex handle, for plumbing such as health checks. Model code goes through the methods. */
  get knex(): Knex {
    return this.#connection.knex;
  }

  /** Saves a new user and returns it with its id. */
  async addUser(email: string, hashedPassword: string): Promise<User> {
    checkText('email', email);
    checkText('hashedPassword', hashedPassword);
    // #region task-01
    // #region task-21
    // The unique index decides, not a look-up first: of two sign-ups at the same instant, one insert fails.
    try {
      return await User.query(this.knex).insert({ email, canonicalEmail: canonicalEmail(email), hashedPassword }).returning('*');
    } catch (error) {
      if (isUniqueViolation(error, EMAIL_INDEX)) throw new EmailTakenError(email);
      throw error;
    }
    // #stub
    // return User.query(this.knex).insert({ email, hashedPassword }).returning('*');
    // #endregion
    // #stub
    // throw new TaskNotDoneError(1, 'write `DB.addUser`: insert the row and return the saved `User`');
    // #endregion
  }

  /** The first user matching every criterion. Emails match case-insensitively. */
  async findUserBy(criteria: Partial<UserProps>): Promise<User> {
    // Given: a look-up by session id alone, which every authenticated request makes, takes a prepared path.
    const sessionId = sessionIdAlone(criteria);
    if (sessionId !== undefined) return this.#findUserBySession(sessionId);
    // #region task-02
    const entries = criteriaEntries(criteria);
    const query = User.query(this.knex).first();
    for (const [key, value] of entries) {
      // #region task-21
      // One canonical form, one unique index: the same rule for look-ups as for sign-ups.
      if (key === 'email' && typeof value === 'string') {
        const canonical = canonicalOrNull(value);
        // An address no account can have (an invisible character in it) is a bad question, like one too long for its column.
        if (canonical === null) throw new InvalidRequestError(`findUserBy: email ${JSON.stringify(value)} cannot be any user's`);
        query.where('canonical_email', canonical);
      } else query.where(User.propertyNameToColumnName(key), value);
      // #stub
      // if (key === 'email' && typeof value === 'string') query.whereRaw('lower(email) = lower(?)', [value]);
      // else query.where(User.propertyNameToColumnName(key), value);
      // #endregion
    }
    const user = await query.orderBy('id');
    if (user === undefined) {
      throw new NoResultFoundError(`no user matches ${describe(entries)}`);
    }
    return user;
    // #stub
    // throw new TaskNotDoneError(2, 'write `DB.findUserBy`: the first matching user, or `NoResultFoundError` / `InvalidRequestError`');
    // #endregion
  }

  /**
   * `findUserBy({ sessionId })`, for the query that ran on every authenticated
   * request until task 32 (docs/performance.md). Objection builds its SQL once
   * (`sessionLookup`), not on every call, and the row becomes a `User` as any
   * query's does.
   */
  async #findUserBySession(sessionId: string): Promise<User> {
    const { sql, bindings } = (this.#sessionLookup ??= sessionLookup(this.knex));
    const [row] = await this.#runPrepared('hallpass_find_user_by_session', sql, [sessionId, ...bindings.slice(1)]);
    if (row === undefined) throw new NoResultFoundError('no user matches the given sessionId');
    return User.fromDatabaseJson(row);
  }

  /**
   * Given (task 32): the session stored under `tokenDigest` in `sessions`
   * (migration 0004) and its user, or `null`. Every authenticated request asks
   * this, so it is one query, prepared as the look-up by `sessionId` is. It
   * reads only: expiry is the caller's rule.
   */
  async findSessionByDigest(tokenDigest: string): Promise<SessionWithUser | null> {
    checkText('tokenDigest', tokenDigest);
    const { sql } = (this.#sessionJoin ??= sessionJoin(this.knex));
    const [row] = await this.#runPrepared('hallpass_find_session_by_digest', sql, [tokenDigest]);
    if (row === undefined) return null;
    const userRow: Record<string, unknown> = {};
    const sessionRow: Record<string, unknown> = {};
    for (const [column, value] of Object.entries(row)) {
      if (column.startsWith(SESSION_PREFIX)) sessionRow[column.slice(SESSION_PREFIX.length)] = value;
      else userRow[column] = value;
    }
    const user = User.fromDatabaseJson(userRow);
    return {
      user,
      session: {
        id: sessionRow.id as string,
        userId: user.id,
        // Both drivers give dates; a copy keeps callers from changing a row another caller holds.
        createdAt: new Date(sessionRow.created_at as Date),
        seenAt: new Date(sessionRow.seen_at as Date),
        userAgent: sessionRow.user_agent as string | null,
        address: sessionRow.address as string | null,
      },
    };
  }

  /**
   * Runs one of the statements every request makes (docs/performance.md). Its
   * SQL was built once by knex or Objection; it runs on a connection of knex's
   * pool, without knex's query runner around it, and on PostgreSQL it is
   * prepared once per connection under `name`, so the server skips parsing and
   * planning it again. (Its columns are named, not `*`: a prepared `select *`
   * fails once a newer release adds a column.)
   */
  async #runPrepared(name: string, sql: string, values: readonly unknown[]): Promise<Record<string, unknown>[]> {
    // Only a server keeps a statement per connection: the embedded database's one session outlives its socket connections.
    // (Each run of the tests covers one side of this: the run on PostgreSQL the other.)
    /* c8 ignore next */
    const statement = this.backend === 'postgres' ? name : undefined;
    // knex's own queries announce themselves on its 'query' event; these do too, so whoever counts queries sees them.
    if (this.knex.listenerCount('query') > 0) this.knex.emit('query', { method: 'select', sql, bindings: values });
    const client = this.knex.client;
    const connection = (await client.acquireConnection()) as { query(config: object): Promise<{ rows: Record<string, unknown>[] }> };
    try {
      return (await connection.query({ name: statement, text: sql, values })).rows;
    } finally {
      await client.releaseConnection(connection);
    }
  }

  #sessionJoin: { sql: string } | undefined;
  #sessionLookup: { sql: string; bindings: readonly unknown[] } | undefined;

  /** Changes the given properties of user `id`; nothing is written when any change is invalid. */
  async updateUser(id: number, changes: Partial<UserProps>): Promise<void> {
    // #region task-03
    if (!Number.isSafeInteger(id) || id < 1) {
      throw new InvalidArgumentError(`id must be a positive integer, got ${JSON.stringify(id) ?? String(id)}`);
    }
    const patch = changeEntries(changes);
    const query = User.query(this.knex).where('id', id);
    // #region task-21
    // The canonical email follows the email, and the unique index guards a change as it guards a sign-up.
    const values: Partial<UserProps> = Object.fromEntries(patch);
    if (values.email !== undefined) values.canonicalEmail = canonicalEmail(values.email);
    let found: number;
    try {
      found = patch.length === 0 ? await query.resultSize() : await query.patch(values);
    } catch (error) {
      if (values.email !== undefined && isUniqueViolation(error, EMAIL_INDEX)) throw new EmailTakenError(values.email);
      throw error;
    }
    // #stub
    // const found = patch.length === 0 ? await query.resultSize() : await query.patch(Object.fromEntries(patch));
    // #endregion
    if (found === 0) throw new NoResultFoundError(`no user has id ${id}`);
    // #stub
    // throw new TaskNotDoneError(3, 'write `DB.updateUser`: change the user\'s properties, or throw `InvalidAttributeError` / `NoResultFoundError`');
    // #endregion
  }

  /**
   * Changes user `id` as `updateUser` does, but only while every property of
   * `condition` still has the value given there (`null` matches an empty
   * column). The check and the write are one `UPDATE … WHERE`, so of two
   * changes made at the same time from the same state, only one is written.
   * Returns whether the row was written: `false` when the condition no longer
   * holds, or no user has that id.
   */
  async updateUserIf(id: number, condition: Partial<UserProps>, changes: Partial<UserProps>): Promise<boolean> {
    if (!(Number.isSafeInteger(id) && id > 0)) {
      throw new InvalidArgumentError(`id must be a positive integer, got ${JSON.stringify(id) ?? String(id)}`);
    }
    const expected = propertyEntries('updateUserIf: the condition', condition, InvalidArgumentError);
    if (expected.length === 0) throw new InvalidArgumentError('updateUserIf needs at least one property in its condition');
    const patch = propertyEntries('updateUserIf: the changes', changes, InvalidAttributeError);
    if (patch.length === 0) throw new InvalidAttributeError('updateUserIf needs at least one change');
    if (patch.some(([key]) => key === 'id')) throw new InvalidAttributeError('a user\'s id cannot be changed');
    const values: Partial<UserProps> = Object.fromEntries(patch);
    // The canonical email follows the email, as in updateUser.
    if (typeof values.email === 'string') values.canonicalEmail = canonicalEmail(values.email);
    const query = User.query(this.knex).patch(values).where('id', id);
    for (const [key, value] of expected) query.where(User.propertyNameToColumnName(key), value);
    try {
      return (await query) > 0;
    } catch (error) {
      if (values.email !== undefined && isUniqueViolation(error, EMAIL_INDEX)) throw new EmailTakenError(values.email);
      throw error;
    }
  }

  /**
   * Spends a reset token in one conditional `UPDATE … RETURNING`: when a row holds
   * `resetToken` (as stored), issued after `issuedAfter` and, with `email`, for
   * that account, it gets `hashedPassword`, loses the token and loses its session.
   * The database runs the check and the write as one step, so of two calls with
   * one token only one can succeed. Returns the user's id, or `null` when no row
   * qualified (nothing is written then).
   */
  async consumeResetToken(resetToken: string, hashedPassword: string, options: ConsumeResetTokenOptions): Promise<number | null> {
    checkText('resetToken', resetToken);
    checkText('hashedPassword', hashedPassword);
    const { issuedAfter, email } = options;
    if (!(issuedAfter instanceof Date) || Number.isNaN(issuedAfter.getTime())) {
      throw new InvalidArgumentError(`issuedAfter must be a valid Date, got ${typeName(issuedAfter)}`);
    }
    if (email !== undefined && typeof email !== 'string') throw new InvalidArgumentError(`email must be a string when given, got ${typeName(email)}`);
    // #region task-24
    const query = User.query(this.knex)
      .patch({ hashedPassword, resetToken: null, resetCreatedAt: null, sessionId: null, sessionCreatedAt: null, sessionSeenAt: null })
      .where('reset_token', resetToken)
      .where('reset_created_at', '>', issuedAfter)
      .returning('id');
    if (email !== undefined) {
      // An address no account can have owns no token.
      const canonical = canonicalOrNull(email);
      if (canonical === null) return null;
      query.where('canonical_email', canonical);
    }
    const [row] = (await query) as unknown as Pick<User, 'id'>[];
    return row?.id ?? null;
    // #stub
    // throw new TaskNotDoneError(24, 'write `DB.consumeResetToken`: one conditional UPDATE … RETURNING that spends the token');
    // #endregion
  }

  /**
   * Saves a new user whose email is still to be confirmed: the row holds
   * `confirmationToken` (as stored: its digest) and `issuedAt`. When the email
   * is taken, nothing is written and the answer is `null`. One
   * `INSERT … ON CONFLICT DO NOTHING` either way, so a taken email costs the
   * database the same statement as a new one.
   */
  async addUnconfirmedUser(email: string, hashedPassword: string, confirmationToken: string, issuedAt: Date): Promise<User | null> {
    checkText('email', email);
    checkText('hashedPassword', hashedPassword);
    checkText('confirmationToken', confirmationToken);
    checkDate('issuedAt', issuedAt);
    const rows = (await this.knex('users')
      .insert({
        email,
        canonical_email: canonicalEmail(email),
        hashed_password: hashedPassword,
        confirmation_token: confirmationToken,
        confirmation_created_at: issuedAt,
      })
      .onConflict('canonical_email')
      .ignore()
      .returning('*')) as object[];
    return rows[0] === undefined ? null : User.fromDatabaseJson(rows[0]);
  }

  /**
   * Confirms the account holding `confirmationToken` (as stored), issued after
   * `issuedAfter`, and spends the token, in one conditional `UPDATE … RETURNING`:
   * of two uses at the same instant, only one finds the row. Returns the
   * confirmed user, or `null` when no row qualified (nothing is written then).
   */
  async consumeConfirmationToken(confirmationToken: string, issuedAfter: Date): Promise<User | null> {
    checkText('confirmationToken', confirmationToken);
    checkDate('issuedAfter', issuedAfter);
    const rows = (await this.knex('users')
      .update({ confirmation_token: null, confirmation_created_at: null })
      .where('confirmation_token', confirmationToken)
      .where('confirmation_created_at', '>', issuedAfter)
      .returning('*')) as object[];
    return rows[0] === undefined ? null : User.fromDatabaseJson(rows[0]);
  }

  /** Deletes every account still unconfirmed whose token was issued at or before `issuedBefore`; returns how many. */
  async deleteUnconfirmedUsers(issuedBefore: Date): Promise<number> {
    checkDate('issuedBefore', issuedBefore);
    return this.knex('users').whereNotNull('confirmation_token').where('confirmation_created_at', '<=', issuedBefore).delete();
  }

  /** Closes the connection (and the embedded server). Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#connection.close();
  }
}

function checkOpenOptions(options: DBOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('DB.open takes an options object: { connection?, dataDir?, queryTimeoutMs?, connectTimeoutMs?, poolMax? }');
  }
  for (const key of ['connection', 'dataDir'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new InvalidArgumentError(`DB.open: ${key} must be a non-empty string when given`);
    }
  }
  for (const key of ['queryTimeoutMs', 'connectTimeoutMs', 'poolMax'] as const) {
    const value = options[key];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) {
      throw new InvalidArgumentError(`DB.open: ${key} must be a positive whole number when given`);
    }
  }
}

function checkDate(name: string, value: unknown): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidArgumentError(`${name} must be a valid Date, got ${typeName(value)}`);
  }
}

function checkText(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(`${name} must be a non-empty string, got ${typeName(value)}`);
  }
  if (value.length > MAX_COLUMN_LENGTH) {
    throw new InvalidArgumentError(`${name} must be at most ${MAX_COLUMN_LENGTH} characters, got ${value.length}`);
  }
}

/** Checks one property's value against the column it is stored in. */
function checkValue(key: UserProperty, value: unknown): void {
  if (key === 'id') {
    if (!Number.isSafeInteger(value)) throw new InvalidArgumentError(`id must be an integer, got ${typeName(value)}`);
    return;
  }
  if ((key === 'sessionId' || key === 'resetToken' || key === 'canonicalEmail' || key === 'confirmationToken') && value === null) return;
  if (isTimestampProperty(key)) {
    if (value === null || (value instanceof Date && !Number.isNaN(value.getTime()))) return;
    throw new InvalidArgumentError(`${key} must be a valid Date or null, got ${typeName(value)}`);
  }
  checkText(key, value);
}

/** The entries of an object of User properties, each value checked against its column; `what` names it in errors. */
function propertyEntries(what: string, properties: unknown, Refusal: new (message: string) => Error): Entry[] {
  if (!isPlainObject(properties)) throw new Refusal(`${what} must be an object of User properties, got ${typeName(properties)}`);
  const entries = Object.entries(properties);
  for (const [key, value] of entries) {
    if (!isUserProperty(key)) throw new Refusal(`${what}: "${key}" is not a User property (expected one of ${userProperties.join(', ')})`);
    try {
      checkValue(key, value);
    } catch (error) {
      throw new Refusal(`${what}: ${(error as Error).message}`);
    }
  }
  return entries as Entry[];
}

/** The session id when `criteria` is exactly `{ sessionId }` with a value its column can hold; `undefined` for anything else. */
function sessionIdAlone(criteria: unknown): string | undefined {
  if (!isPlainObject(criteria)) return undefined;
  const keys = Object.keys(criteria);
  if (keys.length !== 1 || keys[0] !== 'sessionId') return undefined;
  const { sessionId } = criteria as { sessionId: unknown };
  return typeof sessionId === 'string' && sessionId !== '' && sessionId.length <= MAX_COLUMN_LENGTH ? sessionId : undefined;
}

/** What `findSessionByDigest` returns: a row of `sessions` (never its digest) and the user it belongs to. */
export interface SessionWithUser {
  user: User;
  session: { id: string; userId: number; createdAt: Date; seenAt: Date; userAgent: string | null; address: string | null };
}

/** The columns of `sessions` that `findSessionByDigest` reads, each under this prefix (no column of `users` has it). */
const SESSION_PREFIX = 'session$';
const sessionColumns = ['id', 'created_at', 'seen_at', 'user_agent', 'address'] as const;

/** `findSessionByDigest`'s SQL (`$1` is the digest): the session joined with its user, built by knex once. */
function sessionJoin(knex: Knex): { sql: string } {
  const userColumns = userProperties.map((property) => `users.${User.propertyNameToColumnName(property)}`);
  const ofSession = sessionColumns.map((column) => `sessions.${column} as ${SESSION_PREFIX}${column}`);
  return knex('sessions')
    .join('users', 'users.id', 'sessions.user_id')
    .select([...userColumns, ...ofSession])
    .where('sessions.token_digest', '') // unique: one row at most
    .toSQL()
    .toNative();
}

/** The session look-up's SQL (`$1` is the session id), built by Objection as `findUserBy` builds its queries. */
function sessionLookup(knex: Knex): { sql: string; bindings: readonly unknown[] } {
  const columns = userProperties.map((property) => User.propertyNameToColumnName(property));
  return User.query(knex).select(columns).where('session_id', '').orderBy('id').limit(1).toKnexQuery().toSQL().toNative();
}

// #region task-02
function criteriaEntries(criteria: unknown): Entry[] {
  if (!isPlainObject(criteria)) {
    throw new InvalidRequestError(`findUserBy takes an object of User properties, got ${typeName(criteria)}`);
  }
  const entries = Object.entries(criteria);
  if (entries.length === 0) {
    throw new InvalidRequestError('findUserBy needs at least one criterion');
  }
  for (const [key, value] of entries) {
    if (!isUserProperty(key)) {
      throw new InvalidRequestError(`"${key}" is not a User property (expected one of ${userProperties.join(', ')})`);
    }
    try {
      checkValue(key, value);
    } catch (error) {
      throw new InvalidRequestError(`findUserBy: ${(error as Error).message}`);
    }
  }
  return entries as Entry[];
}
// #endregion

// #region task-03
function changeEntries(changes: unknown): Entry[] {
  if (!isPlainObject(changes)) {
    throw new InvalidAttributeError(`updateUser takes an object of User properties, got ${typeName(changes)}`);
  }
  const entries = Object.entries(changes);
  for (const [key, value] of entries) {
    if (!isUserProperty(key)) {
      throw new InvalidAttributeError(`"${key}" is not a User property (expected one of ${userProperties.filter((p) => p !== 'id').join(', ')})`);
    }
    if (key === 'id') throw new InvalidAttributeError('a user\'s id cannot be changed');
    checkValue(key, value);
  }
  return entries as Entry[];
}
// #endregion

function isTimestampProperty(key: UserProperty): boolean {
  return (timestampProperties as readonly string[]).includes(key);
}

/** The canonical form of `email`, or `null` when no account can have that address. */
function canonicalOrNull(email: string): string | null {
  try {
    return canonicalEmail(email);
  } catch (error) {
    if (error instanceof InvalidEmailError) return null;
    /* c8 ignore start - only a stub (TaskNotDoneError) in a learner's copy throws anything else */
    throw error;
  }
  /* c8 ignore stop */
}

/** The unique index on `canonical_email` (migration 0002). */
const EMAIL_INDEX = 'users_canonical_email_key';

/** PostgreSQL's SQLSTATE 23505 (PGlite answers the same): the write broke the unique index `index`. */
function isUniqueViolation(error: unknown, index: string): boolean {
  const native = ((error as { nativeError?: unknown }).nativeError ?? error) as { code?: unknown; constraint?: unknown };
  return native.code === '23505' && native.constraint === index;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Names a value's type for an error message, without echoing the value (it may be a secret). */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  return typeof value;
}

/** Describes criteria for an error message: keys and ids, never secrets such as hashes or tokens. */
function describe(entries: Entry[]): string {
  return entries.map(([key, value]) => (key === 'id' || key === 'email' ? `${key} = ${JSON.stringify(value)}` : `the given ${key}`)).join(', ');
}
