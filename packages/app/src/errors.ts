import { HallpassError } from '@hallpass/db';

/** `POST /sessions` with an email and password that do not match an account. */
export class InvalidCredentialsError extends HallpassError {
  constructor() {
    super('ERR_INVALID_CREDENTIALS', 'wrong email or password');
  }
}

/** A route that needs a session got no `session_id` cookie, or one that matches no session. */
export class NoSessionError extends HallpassError {
  constructor() {
    super('ERR_NO_SESSION', 'no valid session: log in first (POST /sessions)');
  }
}
