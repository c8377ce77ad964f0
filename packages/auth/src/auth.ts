import {
  EmailTakenError,
  canonicalEmail,
  InvalidArgumentError,
  InvalidRequestError,
  NoResultFoundError,
  TaskNotDoneError,
  type DB,
  type SessionWithUser,
  type User,
  type UserProps,
} from '@hallpass/db';
import { InvalidConfirmationTokenError, InvalidResetTokenError, UnknownEmailError, UnknownSessionError, UserExistsError, WrongPasswordError } from './errors.ts';
import { DEFAULT_BCRYPT_COST, bcryptCostOf, checkBcryptCost, checkPasswordInput, hashPassword, typeName, verifyPassword } from './password.ts';
import { BusyError } from './slots.ts';
import { checkPasswordStrength, passwordPolicies, type PasswordPolicy } from './password-policy.ts';
import { SessionStore, type Device, type SessionRow } from './sessions.ts';
import { generateUuid, hashToken, isWellFormedToken } from './tokens.ts';

export interface UpdatePasswordOptions {
  /** The account the token must belong to, compared case-insensitively (the app passes the email the client sent). */
  email?: string;
}

/** A reset token just issued, and the address of the account it was issued to. */
export interface IssuedResetToken {
  /** The account's email as stored (as given at sign-up), not as the request spelled it. */
  email: string;
  resetToken: string;
}

/** An account just made by `registerUnconfirmedUser`, and the token that confirms it. */
export interface IssuedConfirmationToken {
  /** The account's email as stored (as given at sign-up). */
  email: string;
  confirmationToken: string;
}

export interface AuthOptions {
  /** bcrypt's cost for new password hashes, 4 to 31; 12 when not given. Tests use 4 for speed. */
  bcryptCost?: number;
  /** Seconds a session may go unused before it ends; 1800 (30 minutes) when not given. */
  sessionIdleTimeout?: number;
  /** Seconds a session may last at most, however busy; 43200 (12 hours) when not given. */
  sessionAbsoluteTimeout?: number;
  /** Seconds a reset token stays usable after it is issued; 900 (15 minutes) when not given. */
  resetTokenLifetime?: number;
  /** Seconds a confirmation token stays usable after sign-up; 86400 (24 hours) when not given. The unconfirmed account is deleted after. */
  confirmationTokenLifetime?: number;
  /** Where the time comes from; `() => new Date()` when not given. Tests pass a clock they move by hand. */
  clock?: () => Date;
  /** The rule new passwords follow: `basic` (any 1 to 72 bytes, the course's contract) when not given, or `nist` (the production profile's). */
  passwordPolicy?: PasswordPolicy;
  /** How many live sessions a user may hold at once; a new one ends the oldest beyond it. 20 when not given. */
  maxSessions?: number;
}

/** One of a user's live sessions, as `listSessions` and `currentSession` describe it: never its token or digest. */
export interface SessionInfo {
  /** The public id: it names the session in lists and URLs, and opens nothing. */
  id: string;
  userId: number;
  /** Whether it is the session of the token the caller passed. */
  current: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  /** The client that logged in: its `User-Agent` (cut short) and its address, when known. */
  device: { userAgent: string | null; address: string | null };
}

/** The defaults of the expiry options, in seconds. */
export const DEFAULT_SESSION_IDLE_TIMEOUT = 30 * 60;
export const DEFAULT_SESSION_ABSOLUTE_TIMEOUT = 12 * 60 * 60;
export const DEFAULT_RESET_TOKEN_LIFETIME = 15 * 60;
/** How many live sessions a user may hold at once when `maxSessions` is not given. */
export const DEFAULT_MAX_SESSIONS = 20;
export const DEFAULT_CONFIRMATION_TOKEN_LIFETIME = 24 * 60 * 60;

/** How long a session may live, in seconds. */
export interface SessionLimits {
  idle: number;
  absolute: number;
}

/**
 * Sign-up, login, sessions and password reset on top of a `DB` (the Python
 * original's `Auth` in `auth.py`). Emails match whatever their letter case.
 */
export class Auth {
  readonly #db: DB;
  readonly #bcryptCost: number;
  readonly #sessionLimits: SessionLimits;
  readonly #resetTokenLifetime: number;
  readonly #confirmationTokenLifetime: number;
  readonly #clock: () => Date;
  readonly #passwordPolicy: PasswordPolicy;
  /** The `sessions` table (task 32): one row per login. */
  readonly #sessions: SessionStore;
  readonly #maxSessions: number;
  /** A hash of a random password at the configured cost, made on first need: unknown emails are checked against it. */
  #dummyHash: Promise<string> | undefined;
  /** By canonical email, the end of the line of sign-ups for it in this process (`#oneAtATime`). */
  readonly #inTurn = new Map<string, Promise<void>>();

  constructor(db: DB, options: AuthOptions = {}) {
    if (typeof db !== 'object' || db === null) {
      throw new InvalidArgumentError(`Auth needs an opened DB, got ${typeName(db)}`);
    }
    this.#db = db;
    this.#bcryptCost = checkBcryptCost(options?.bcryptCost === undefined ? DEFAULT_BCRYPT_COST : options.bcryptCost);
    this.#sessionLimits = {
      idle: checkSeconds('sessionIdleTimeout', options?.sessionIdleTimeout ?? DEFAULT_SESSION_IDLE_TIMEOUT),
      absolute: checkSeconds('sessionAbsoluteTimeout', options?.sessionAbsoluteTimeout ?? DEFAULT_SESSION_ABSOLUTE_TIMEOUT),
    };
    this.#resetTokenLifetime = checkSeconds('resetTokenLifetime', options?.resetTokenLifetime ?? DEFAULT_RESET_TOKEN_LIFETIME);
    this.#confirmationTokenLifetime = checkSeconds('confirmationTokenLifetime', options?.confirmationTokenLifetime ?? DEFAULT_CONFIRMATION_TOKEN_LIFETIME);
    const clock = options?.clock ?? (() => new Date());
    if (typeof clock !== 'function') throw new InvalidArgumentError(`clock must be a function returning a Date, got ${typeName(clock)}`);
    this.#clock = clock;
    const passwordPolicy = options?.passwordPolicy ?? 'basic';
    if (!passwordPolicies.includes(passwordPolicy)) {
      throw new InvalidArgumentError(`passwordPolicy must be one of ${passwordPolicies.join(', ')}, got ${String(passwordPolicy)}`);
    }
    this.#passwordPolicy = passwordPolicy;
    this.#sessions = new SessionStore(() => db.knex);
    this.#maxSessions = checkCount('maxSessions', options?.maxSessions ?? DEFAULT_MAX_SESSIONS);
  }

  /** Saves a new user with a bcrypt hash of `password`; `UserExistsError` when the email is taken. */
  async registerUser(email: string, password: string): Promise<User> {
    // #region task-05
    checkText('email', email);
    checkPasswordInput(password);
    // #region task-30
    this.#checkNewPassword(password, email);
    // #endregion
    // #region task-21
    // Sign-ups of one address take turns in this process and each looks it up first, so a
    // duplicate costs a query, never a bcrypt hash of its own. Between processes, the unique index decides.
    return this.#oneAtATime(canonicalEmail(email), async () => {
      if ((await this.#findUser({ email })) !== null) throw new UserExistsError(email);
      const hashedPassword = await hashPassword(password, { cost: this.#bcryptCost });
      try {
        return await this.#db.addUser(email, hashedPassword);
      } catch (error) {
        if (error instanceof EmailTakenError) throw new UserExistsError(email);
        throw error;
      }
    });
    // #stub
    // if ((await this.#findUser({ email })) !== null) throw new UserExistsError(email);
    // const hashedPassword = await hashPassword(password, { cost: this.#bcryptCost });
    // return this.#db.addUser(email, hashedPassword);
    // #endregion
    // #stub
    // throw new TaskNotDoneError(5, 'write `Auth.registerUser`: save a new user with a hashed password, or throw `UserExistsError`');
    // #endregion
  }

  /** Whether `password` is the password of the user with `email`; `false` for an unknown email. */
  async validLogin(email: string, password: string): Promise<boolean> {
    // #region task-08
    checkText('email', email);
    checkPasswordInput(password);
    const user = await this.#findUser({ email });
    // #region task-25
    // An unknown email costs the same bcrypt work as a known one, so the answer's timing tells nothing.
    if (user === null) {
      // Made on first need and kept; not kept when it failed (bcrypt was too busy): the next unknown email makes it again.
      const dummyHash = (this.#dummyHash ??= hashPassword(generateUuid(), { cost: this.#bcryptCost }));
      dummyHash.catch(() => {
        if (this.#dummyHash === dummyHash) this.#dummyHash = undefined;
      });
      await verifyPassword(password, await dummyHash);
      return false;
    }
    if (!(await verifyPassword(password, user.hashedPassword))) return false;
    // #region task-33
    // Checked after the same bcrypt work, on the row already read: an unconfirmed account is refused as a wrong password is.
    if (user.confirmationToken !== null) return false;
    // #endregion
    // A hash of another cost answers a wrong password sooner (or later) than the dummy hash does. Now that
    // the password is known, store it again at the configured cost, while the stored hash is still the one
    // just checked (a change at the same instant wins). Too busy now: a later login will do it.
    if (bcryptCostOf(user.hashedPassword) !== this.#bcryptCost) {
      const rehashed = await hashPassword(password, { cost: this.#bcryptCost }).catch((error: unknown) => {
        if (error instanceof BusyError) return null;
        /* c8 ignore next - any other failure is bcrypt's own (the password was just checked): nothing a test can provoke */
        throw error;
      });
      if (rehashed !== null) await this.#db.updateUserIf(user.id, { hashedPassword: user.hashedPassword }, { hashedPassword: rehashed });
    }
    return true;
    // #stub
    // if (user === null) return false;
    // return verifyPassword(password, user.hashedPassword);
    // #endregion
    // #stub
    // throw new TaskNotDoneError(8, 'write `Auth.validLogin`: true when the password matches the user\'s hash, false otherwise');
    // #endregion
  }

  /**
   * Gives the user with `email` a new session id and returns it; `null` for an
   * unknown email. The user's other sessions go on (from task 32), but for the
   * oldest beyond `maxSessions`; `device` describes the client that logged in.
   */
  async createSession(email: string, device: Device = {}): Promise<string | null> {
    // #region task-10
    checkText('email', email);
    const user = await this.#findUser({ email });
    if (user === null) return null;
    const sessionId = generateUuid();
    // #region task-22
    // #region task-23
    const now = this.#clock();
    // #region task-32
    // One row per login: the user's other sessions go on. Their expired ones are deleted now, and the oldest
    // beyond the cap, so a user's rows stay few however often they log in.
    await this.#deleteExpiredSessions(user.id, now);
    await this.#sessions.add(user.id, hashToken(sessionId), now, device);
    await this.#sessions.keepNewest(user.id, this.#maxSessions);
    // #stub
    // await this.#db.updateUser(user.id, { sessionId: hashToken(sessionId), sessionCreatedAt: now, sessionSeenAt: now });
    // #endregion
    // #stub
    // await this.#db.updateUser(user.id, { sessionId: hashToken(sessionId) });
    // #endregion
    // #stub
    // await this.#db.updateUser(user.id, { sessionId });
    // #endregion
    return sessionId;
    // #stub
    // throw new TaskNotDoneError(10, 'write `Auth.createSession`: store a new uuid as the user\'s session id and return it');
    // #endregion
  }

  /** The user holding `sessionId`, or `null` when there is none (or no id at all). */
  async getUserFromSessionId(sessionId?: string | null): Promise<User | null> {
    // #region task-12
    // A missing cookie arrives as undefined or ''; neither may match a user whose session is null.
    if (typeof sessionId !== 'string' || sessionId === '') return null;
    // #region task-22
    // Not a token we issue: no query at all. Otherwise look up its digest, as stored.
    if (!isWellFormedToken(sessionId)) return null;
    // #region task-23
    // #region task-32
    return (await this.#liveSession(sessionId))?.user ?? null;
    // #stub
    // const user = await this.#findUser({ sessionId: hashToken(sessionId) });
    // if (user === null) return null;
    // const now = this.#clock();
    // if (isSessionExpired(user, now, this.#sessionLimits)) return null;
    // // Each use restarts the idle limit. The write is skipped while the recorded use is
    // // recent (a thirtieth of the idle limit, a minute at most), so a busy session costs
    // // one read per request, not a read and a write; it may end that much early.
    // const precision = Math.min(60_000, (this.#sessionLimits.idle * 1000) / 30);
    // if (now.getTime() - Number(user.sessionSeenAt) >= precision) {
    //   await this.#db.updateUser(user.id, { sessionSeenAt: now });
    // }
    // return user;
    // #endregion
    // #stub
    // return this.#findUser({ sessionId: hashToken(sessionId) });
    // #endregion
    // #stub
    // return this.#findUser({ sessionId });
    // #endregion
    // #stub
    // throw new TaskNotDoneError(12, 'write `Auth.getUserFromSessionId`: the user with this session id, or null');
    // #endregion
  }

  /**
   * Ends the session of user `userId`: its old session id no longer finds anyone.
   * From task 32, a user may hold several: with `sessionId` (the token), only that
   * one ends, and only if it is that user's; without it, every one of them.
   */
  async destroySession(userId: number, sessionId?: string | null): Promise<void> {
    // #region task-13
    // #region task-32
    checkUserId(userId);
    // An unknown user is an error, as it was when the session lived in the user's row.
    await this.#db.findUserBy({ id: userId });
    if (sessionId === undefined || sessionId === null) await this.#sessions.deleteAllOf(userId);
    else if (isWellFormedToken(sessionId)) await this.#sessions.deleteByDigest(userId, hashToken(sessionId));
    // #stub
    // await this.#db.updateUser(userId, { sessionId: null });
    // #endregion
    // #stub
    // throw new TaskNotDoneError(13, 'write `Auth.destroySession`: set the user\'s session id to null');
    // #endregion
  }

  /** The live session that the token `sessionId` opens, described as `listSessions` does (`current` is true), or `null`. */
  async currentSession(sessionId?: string | null): Promise<SessionInfo | null> {
    // #region task-32
    if (!isWellFormedToken(sessionId)) return null;
    const live = await this.#liveSession(sessionId);
    return live === null ? null : describeSession(live.session, live.session.id);
    // #stub
    // throw new TaskNotDoneError(32, 'write `Auth.currentSession`: the live session of this token, or null');
    // #endregion
  }

  /** The live sessions of user `userId`, newest first; the one of the token `currentSessionId` is marked `current`. */
  async listSessions(userId: number, currentSessionId?: string | null): Promise<SessionInfo[]> {
    // #region task-32
    checkUserId(userId);
    const now = this.#clock();
    await this.#deleteExpiredSessions(userId, now);
    const current = isWellFormedToken(currentSessionId) ? await this.#sessions.findByDigest(hashToken(currentSessionId)) : null;
    return (await this.#sessions.listOf(userId)).map((session) => describeSession(session, current?.id));
    // #stub
    // throw new TaskNotDoneError(32, 'write `Auth.listSessions`: the user\'s live sessions, newest first');
    // #endregion
  }

  /**
   * Ends session `id` (its public id, in any letter case) of user `userId`.
   * `UnknownSessionError` when it is not one of that user's live sessions:
   * another user's session is refused exactly like one that never existed.
   */
  async endSession(userId: number, id: string): Promise<void> {
    // #region task-32
    checkUserId(userId);
    checkText('id', id);
    // A public id is a UUID; anything else names no session, and must not reach the uuid column.
    if (!isSessionPublicId(id)) throw new UnknownSessionError();
    await this.#deleteExpiredSessions(userId, this.#clock());
    if (!(await this.#sessions.deleteOne(userId, id.toLowerCase()))) throw new UnknownSessionError();
    // #stub
    // throw new TaskNotDoneError(32, 'write `Auth.endSession`: delete that session of the user, or throw `UnknownSessionError`');
    // #endregion
  }

  /** Ends every session of user `userId` but the one of the token `currentSessionId` ("log out everywhere else"); how many ended. */
  async endOtherSessions(userId: number, currentSessionId: string): Promise<number> {
    // #region task-32
    checkUserId(userId);
    checkText('currentSessionId', currentSessionId);
    return this.#sessions.deleteAllOf(userId, hashToken(currentSessionId));
    // #stub
    // throw new TaskNotDoneError(32, 'write `Auth.endOtherSessions`: delete every session of the user but the current one');
    // #endregion
  }

  /** Stores a new reset token for the user with `email` and returns it; `UnknownEmailError` otherwise. */
  async getResetPasswordToken(email: string): Promise<string> {
    // #region task-16
    checkText('email', email);
    const user = await this.#findUser({ email });
    if (user === null) throw new UnknownEmailError(email);
    const resetToken = generateUuid();
    // #region task-22
    // #region task-23
    // Storing the new digest replaces the old one: only the latest token can work.
    await this.#db.updateUser(user.id, { resetToken: hashToken(resetToken), resetCreatedAt: this.#clock() });
    // #stub
    // await this.#db.updateUser(user.id, { resetToken: hashToken(resetToken) });
    // #endregion
    // #stub
    // await this.#db.updateUser(user.id, { resetToken });
    // #endregion
    return resetToken;
    // #stub
    // throw new TaskNotDoneError(16, 'write `Auth.getResetPasswordToken`: store a new uuid as the user\'s reset token and return it');
    // #endregion
  }

  /**
   * `getResetPasswordToken` for a caller that must answer the same whether or
   * not the email has an account: `null` for an unknown email instead of an
   * error, and for a known one the token with the account's own address, as
   * stored — where the token may be sent, rather than the address as typed.
   */
  async issueResetToken(email: string): Promise<IssuedResetToken | null> {
    checkText('email', email);
    const user = await this.#findUser({ email });
    if (user === null) return null;
    return { email: user.email, resetToken: await this.getResetPasswordToken(user.email) };
  }

  /**
   * Sign-up for a caller that must answer the same whether or not the email is
   * taken (the production profile's `POST /users`). For a new email, saves an
   * account that cannot log in until `confirmEmail` is given the returned token;
   * for a taken one, writes nothing and returns `null`. Both cost the same: the
   * password policy, one sweep of expired unconfirmed accounts (so an address
   * whose sign-up was never confirmed is free again), one bcrypt hash and one
   * `INSERT`. Only the returned value differs.
   */
  async registerUnconfirmedUser(email: string, password: string): Promise<IssuedConfirmationToken | null> {
    checkText('email', email);
    checkPasswordInput(password);
    this.#checkNewPassword(password, email);
    const now = this.#clock();
    await this.#db.deleteUnconfirmedUsers(this.#confirmationIssuedBefore(now));
    const hashedPassword = await hashPassword(password, { cost: this.#bcryptCost });
    const confirmationToken = generateUuid();
    const user = await this.#db.addUnconfirmedUser(email, hashedPassword, hashToken(confirmationToken), now);
    return user === null ? null : { email: user.email, confirmationToken };
  }

  /**
   * Confirms the account `confirmationToken` was issued to and spends the token;
   * returns the account's email (as stored). `InvalidConfirmationTokenError` for
   * a token that is wrong, used or expired. Of two uses at once, one wins.
   */
  async confirmEmail(confirmationToken: string): Promise<string> {
    checkText('confirmationToken', confirmationToken);
    if (!isWellFormedToken(confirmationToken)) throw new InvalidConfirmationTokenError();
    const user = await this.#db.consumeConfirmationToken(hashToken(confirmationToken), this.#confirmationIssuedBefore(this.#clock()));
    if (user === null) throw new InvalidConfirmationTokenError();
    return user.email;
  }

  /** Deletes the accounts whose confirmation token has expired unused; returns how many. `registerUnconfirmedUser` calls it too. */
  async deleteExpiredUnconfirmedUsers(): Promise<number> {
    return this.#db.deleteUnconfirmedUsers(this.#confirmationIssuedBefore(this.#clock()));
  }

  /** Confirmation tokens issued at or before this instant have expired. */
  #confirmationIssuedBefore(now: Date): Date {
    return new Date(now.getTime() - this.#confirmationTokenLifetime * 1000);
  }

  /**
   * The address the account that `email` finds was registered with (as stored,
   * not as typed: `BOB@example.com` may find `bob@example.com`), or `null` when
   * no account has it: where a mail to the account's owner may be sent.
   */
  async accountEmail(email: string): Promise<string | null> {
    checkText('email', email);
    return (await this.#findUser({ email }))?.email ?? null;
  }

  /**
   * Sets a new password for the holder of `resetToken` and spends the token;
   * `InvalidResetTokenError` otherwise. With `email`, the token must also have been
   * issued to that account (any letter case): a token of another account is refused
   * exactly like an unknown one, and stays usable by its owner.
   */
  async updatePassword(resetToken: string, password: string, options: UpdatePasswordOptions = {}): Promise<void> {
    // #region task-18
    checkText('resetToken', resetToken);
    checkPasswordInput(password);
    const { email } = options;
    if (email !== undefined) checkText('email', email);
    // #region task-30
    // Before the token is looked at: a refused password spends nothing.
    this.#checkNewPassword(password, email);
    // #endregion
    // #region task-22
    // Not a token we issue: refused before any query. Otherwise it is looked up by its digest, as stored.
    if (!isWellFormedToken(resetToken)) throw new InvalidResetTokenError();
    // #region task-23
    // #region task-24
    // One conditional UPDATE checks the token and spends it: of two uses at the same instant, one wins.
    // The same write ends the user's session, so whoever stole it loses it with the old password.
    const hashedPassword = await hashPassword(password, { cost: this.#bcryptCost });
    const issuedAfter = new Date(this.#clock().getTime() - this.#resetTokenLifetime * 1000);
    const userId = await this.#db.consumeResetToken(hashToken(resetToken), hashedPassword, { issuedAfter, email });
    if (userId === null) throw new InvalidResetTokenError();
    // #region task-32
    // The sessions live in their own table now: every one of them ends, as the user's row's did.
    await this.#sessions.deleteAllOf(userId);
    // #stub
    // // consumeResetToken cleared the session in the user's row.
    // #endregion
    // #stub
    // const digest = hashToken(resetToken);
    // const user = await this.#findUser(email === undefined ? { resetToken: digest } : { resetToken: digest, email });
    // if (user === null || isResetTokenExpired(user, this.#clock(), this.#resetTokenLifetime)) throw new InvalidResetTokenError();
    // const hashedPassword = await hashPassword(password, { cost: this.#bcryptCost });
    // await this.#db.updateUser(user.id, { hashedPassword, resetToken: null });
    // #endregion
    // #stub
    // const digest = hashToken(resetToken);
    // const user = await this.#findUser(email === undefined ? { resetToken: digest } : { resetToken: digest, email });
    // if (user === null) throw new InvalidResetTokenError();
    // const hashedPassword = await hashPassword(password, { cost: this.#bcryptCost });
    // await this.#db.updateUser(user.id, { hashedPassword, resetToken: null });
    // #endregion
    // #stub
    // const user = await this.#findUser(email === undefined ? { resetToken } : { resetToken, email });
    // if (user === null) throw new InvalidResetTokenError();
    // const hashedPassword = await hashPassword(password, { cost: this.#bcryptCost });
    // // Clearing the token in the same write makes it single-use.
    // await this.#db.updateUser(user.id, { hashedPassword, resetToken: null });
    // #endregion
    // #stub
    // throw new TaskNotDoneError(18, 'write `Auth.updatePassword`: hash the new password and clear the reset token (only for the account `email` names, when given), or throw `InvalidResetTokenError`');
    // #endregion
  }

  /**
   * Changes the password of the user with `email`, who proves it is them with
   * `currentPassword` (`WrongPasswordError` otherwise, also for an unknown email,
   * after the same bcrypt work). `newPassword` must meet the password policy.
   * Every session of the user ends, and a pending reset token stops working.
   */
  async changePassword(email: string, currentPassword: string, newPassword: string): Promise<void> {
    // #region task-30
    checkText('email', email);
    checkPasswordInput(currentPassword);
    checkPasswordInput(newPassword);
    // Whoever holds a stolen session cookie does not know the password: ask for it before anything changes.
    // An unknown email costs the bcrypt work of a known one, as in validLogin (task 25).
    const user = await this.#findUser({ email });
    const matches = user === null ? await this.validLogin(email, currentPassword) : await verifyPassword(currentPassword, user.hashedPassword);
    if (user === null || !matches) throw new WrongPasswordError();
    this.#checkNewPassword(newPassword, email);
    const hashedPassword = await hashPassword(newPassword, { cost: this.#bcryptCost });
    // As after a reset (task 24): whoever was logged in with the old password is logged out, and an old reset link is dead.
    // Written only while the stored hash is the one just checked: of two changes at once, one wins; for the
    // other, the password it gave is no longer the current one.
    const changed = await this.#db.updateUserIf(user.id, { hashedPassword: user.hashedPassword }, {
      hashedPassword,
      sessionId: null,
      sessionCreatedAt: null,
      sessionSeenAt: null,
      resetToken: null,
      resetCreatedAt: null,
    });
    if (!changed) throw new WrongPasswordError();
    // #region task-32
    await this.#sessions.deleteAllOf(user.id);
    // #stub
    // // The write above cleared the session in the user's row.
    // #endregion
    // #stub
    // throw new TaskNotDoneError(30, 'write `Auth.changePassword`: check the current password, apply the password policy, store the new hash and end the user\'s sessions');
    // #endregion
  }

  // #region task-32
  /**
   * The live session stored under the digest of `token` and its user, or `null`:
   * one query (the given `findSessionByDigest`). An expired session is deleted as
   * it is presented; a use restarts the idle limit.
   */
  async #liveSession(token: string): Promise<SessionWithUser | null> {
    const found = await this.#db.findSessionByDigest(hashToken(token));
    if (found === null) return null;
    const { session } = found;
    const now = this.#clock();
    if (isSessionExpired({ sessionCreatedAt: session.createdAt, sessionSeenAt: session.seenAt }, now, this.#sessionLimits)) {
      await this.#sessions.deleteOne(session.userId, session.id);
      return null;
    }
    // As in task 23: the write is skipped while the recorded use is recent (a thirtieth of the idle limit, a minute at most).
    const precision = Math.min(60_000, (this.#sessionLimits.idle * 1000) / 30);
    if (now.getTime() - session.seenAt.getTime() >= precision) {
      await this.#sessions.touch(session.id, now);
      session.seenAt = now;
    }
    return found;
  }

  /** Deletes the sessions of `userId` that are past their idle or absolute limit at `now`. */
  async #deleteExpiredSessions(userId: number, now: Date): Promise<void> {
    const { idle, absolute } = this.#sessionLimits;
    await this.#sessions.deleteExpired(userId, new Date(now.getTime() - absolute * 1000), new Date(now.getTime() - idle * 1000));
  }
  // #stub
  // #endregion

  /** A password about to be stored meets the configured policy: with `nist`, `checkPasswordStrength`'s rule; with `basic`, bcrypt's limit alone. */
  #checkNewPassword(password: string, email?: string): void {
    if (this.#passwordPolicy === 'nist') checkPasswordStrength(password, { email });
  }

  /**
   * Runs `work` after every earlier call with the same `key` has settled, so
   * that calls with one key take turns, in the order they came, within this
   * process. What `work` resolves or rejects with is the answer.
   */
  async #oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
    const mine = (this.#inTurn.get(key) ?? Promise.resolve()).then(work);
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    this.#inTurn.set(key, settled);
    try {
      return await mine;
    } finally {
      if (this.#inTurn.get(key) === settled) this.#inTurn.delete(key);
    }
  }

  /** The user matching `criteria`, or `null`: here, finding nobody is an answer, not an error. */
  async #findUser(criteria: Partial<UserProps>): Promise<User | null> {
    try {
      return await this.#db.findUserBy(criteria);
    } catch (error) {
      // InvalidRequestError here means a value too long for its column, which no row can hold.
      if (error instanceof NoResultFoundError || error instanceof InvalidRequestError) return null;
      throw error;
    }
  }
}

/** Whether a session has ended: unused for longer than the idle limit, or begun longer ago than the absolute limit. */
export function isSessionExpired(user: Pick<User, 'sessionCreatedAt' | 'sessionSeenAt'>, now: Date, limits: SessionLimits): boolean {
  // #region task-23
  // A session without its times was not made by this code: treat it as over.
  if (user.sessionCreatedAt === null || user.sessionSeenAt === null) return true;
  const age = now.getTime() - user.sessionCreatedAt.getTime();
  const idle = now.getTime() - user.sessionSeenAt.getTime();
  return age >= limits.absolute * 1000 || idle >= limits.idle * 1000;
  // #stub
  // throw new TaskNotDoneError(23, 'write `isSessionExpired`: true past the idle or the absolute limit');
  // #endregion
}

/** Whether a reset token has lived past its lifetime (in seconds), counted from when it was issued. */
export function isResetTokenExpired(user: Pick<User, 'resetCreatedAt'>, now: Date, lifetime: number): boolean {
  // #region task-23
  if (user.resetCreatedAt === null) return true;
  return now.getTime() - user.resetCreatedAt.getTime() >= lifetime * 1000;
  // #stub
  // throw new TaskNotDoneError(23, 'write `isResetTokenExpired`: true once the token is older than its lifetime');
  // #endregion
}

/** A session's public id: a UUID in any letter case (the column compares them as UUIDs). */
const publicId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` has the shape of a session's public id; anything else is no session's. */
export function isSessionPublicId(value: unknown): value is string {
  return typeof value === 'string' && publicId.test(value);
}

/** A session as callers see it: its public id, times and device, never its digest. */
function describeSession(session: SessionRow, currentId: string | undefined): SessionInfo {
  const { id, userId, createdAt, seenAt, userAgent, address } = session;
  return { id, userId, current: id === currentId, createdAt, lastSeenAt: seenAt, device: { userAgent, address } };
}

/** A user id: a positive whole number (the message is task 03's). */
function checkUserId(id: unknown): asserts id is number {
  if (!Number.isSafeInteger(id) || (id as number) < 1) {
    throw new InvalidArgumentError(`id must be a positive integer, got ${JSON.stringify(id) ?? String(id)}`);
  }
}

/** A count option: a whole number, at least 1. */
function checkCount(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`${name} must be a whole number, at least 1, got ${String(value)}`);
  }
  return value;
}

/** An expiry option: a whole number of seconds, at least 1. */
function checkSeconds(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`${name} must be a whole number of seconds, at least 1, got ${String(value)}`);
  }
  return value;
}

/** Refuses what cannot be an email or a token before it reaches a query. */
function checkText(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidArgumentError(`${name} must be a non-empty string, got ${typeName(value)}`);
  }
}
