import { HallpassError } from '@hallpass/user-model';

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
