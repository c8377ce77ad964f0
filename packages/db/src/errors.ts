import { HallpassError, InvalidArgumentError } from '@hallpass/user-model';

/** `findUserBy` matched no row, or `updateUser` was given an id no user has. */
export class NoResultFoundError extends HallpassError {
  constructor(message: string) {
    super('ERR_NO_RESULT_FOUND', message);
  }
}

/** `findUserBy` was called with no criteria, or with a key that is not a `User` property. */
export class InvalidRequestError extends HallpassError {
  constructor(message: string) {
    super('ERR_INVALID_REQUEST', message);
  }
}

/** `updateUser` was asked to change something that is not a `User` property. */
export class InvalidAttributeError extends HallpassError {
  constructor(message: string) {
    super('ERR_INVALID_ATTRIBUTE', message);
  }
}

/** The database could not be opened: bad options, a folder already in use, a server that refused us. */
export class DatabaseOpenError extends HallpassError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_DATABASE_OPEN', message, options);
  }
}

/**
 * An email holds a character no address may have (control, zero-width,
 * bidirectional) or is too long once canonical. A kind of bad argument: its
 * code is `ERR_INVALID_ARGUMENT`, so callers that handle those handle it too.
 */
export class InvalidEmailError extends InvalidArgumentError {}

/** `addUser` or `updateUser` would give a second account an email already registered (in its canonical form). */
export class EmailTakenError extends HallpassError {
  readonly email: string;

  constructor(email: string) {
    super('ERR_EMAIL_TAKEN', `the email ${email} is already registered`);
    this.email = email;
  }
}
