import {
  InvalidArgumentError,
  InvalidRequestError,
  NoResultFoundError,
  TaskNotDoneError,
  type DB,
  type User,
  type UserProps,
} from '@hallpass/db';
import { InvalidResetTokenError, UnknownEmailError, UserExistsError } from './errors.ts';
import { DEFAULT_BCRYPT_COST, checkBcryptCost, checkPasswordInput, hashPassword, typeName, verifyPassword } from './password.ts';
import { generateUuid } from './tokens.ts';

export interface UpdatePasswordOptions {
  /** The account the token must belong to, compared case-insensitively (the app passes the email the client sent). */
  email?: string;
}

export interface AuthOptions {
  /** bcrypt's cost for new password hashes, 4 to 31; 12 when not given. Tests use 4 for speed. */
  bcryptCost?: number;
}

/**
 * Sign-up, login, sessions and password reset on top of a `DB` (the Python
 * original's `Auth` in `auth.py`). Emails match whatever their letter case.
 */
export class Auth {
  readonly #db: DB;
  readonly #bcryptCost: number;

  constructor(db: DB, options: AuthOptions = {}) {
    if (typeof db !== 'object' || db === null) {
      throw new InvalidArgumentError(`Auth needs an opened DB, got ${typeName(db)}`);
    }
    this.#db = db;
    this.#bcryptCost = checkBcryptCost(options?.bcryptCost === undefined ? DEFAULT_BCRYPT_COST : options.bcryptCost);
  }

  /** Saves a new user with a bcrypt hash of `password`; `UserExistsError` when the email is taken. */
  async registerUser(email: string, password: string): Promise<User> {
    // #region task-05
    checkText('email', email);
    checkPasswordInput(password);
    if ((await this.#findUser({ email })) !== null) throw new UserExistsError(email);
    const hashedPassword = await hashPassword(password, { cost: this.#bcryptCost });
    return this.#db.addUser(email, hashedPassword);
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
    if (user === null) return false;
    return verifyPassword(password, user.hashedPassword);
    // #stub
    // throw new TaskNotDoneError(8, 'write `Auth.validLogin`: true when the password matches the user\'s hash, false otherwise');
    // #endregion
  }

  /** Gives the user with `email` a new session id and returns it; `null` for an unknown email. */
  async createSession(email: string): Promise<string | null> {
    // #region task-10
    checkText('email', email);
    const user = await this.#findUser({ email });
    if (user === null) return null;
    const sessionId = generateUuid();
    await this.#db.updateUser(user.id, { sessionId });
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
    return this.#findUser({ sessionId });
    // #stub
    // throw new TaskNotDoneError(12, 'write `Auth.getUserFromSessionId`: the user with this session id, or null');
    // #endregion
  }

  /** Ends the session of user `userId`: its old session id no longer finds anyone. */
  async destroySession(userId: number): Promise<void> {
    // #region task-13
    await this.#db.updateUser(userId, { sessionId: null });
    // #stub
    // throw new TaskNotDoneError(13, 'write `Auth.destroySession`: set the user\'s session id to null');
    // #endregion
  }

  /** Stores a new reset token for the user with `email` and returns it; `UnknownEmailError` otherwise. */
  async getResetPasswordToken(email: string): Promise<string> {
    // #region task-16
    checkText('email', email);
    const user = await this.#findUser({ email });
    if (user === null) throw new UnknownEmailError(email);
    const resetToken = generateUuid();
    await this.#db.updateUser(user.id, { resetToken });
    return resetToken;
    // #stub
    // throw new TaskNotDoneError(16, 'write `Auth.getResetPasswordToken`: store a new uuid as the user\'s reset token and return it');
    // #endregion
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
    const user = await this.#findUser(email === undefined ? { resetToken } : { resetToken, email });
    if (user === null) throw new InvalidResetTokenError();
    const hashedPassword = await hashPassword(password, { cost: this.#bcryptCost });
    // Clearing the token in the same write makes it single-use.
    await this.#db.updateUser(user.id, { hashedPassword, resetToken: null });
    // #stub
    // throw new TaskNotDoneError(18, 'write `Auth.updatePassword`: hash the new password and clear the reset token (only for the account `email` names, when given), or throw `InvalidResetTokenError`');
    // #endregion
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

/** Refuses what cannot be an email or a token before it reaches a query. */
function checkText(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidArgumentError(`${name} must be a non-empty string, got ${typeName(value)}`);
  }
}
