import { HallpassError } from '@hallpass/db';

/** `registerUser` was given an email that is already registered (in any letter case). */
export class UserExistsError extends HallpassError {
  readonly email: string;

  constructor(email: string) {
    super('ERR_USER_EXISTS', `User ${email} already exists`);
    this.email = email;
  }
}

/** `getResetPasswordToken` was given an email no user has. */
export class UnknownEmailError extends HallpassError {
  readonly email: string;

  constructor(email: string) {
    super('ERR_UNKNOWN_EMAIL', `no user is registered with the email ${email}`);
    this.email = email;
  }
}

/** `updatePassword` was given a reset token no user holds: wrong, or already used. The token is never echoed. */
export class InvalidResetTokenError extends HallpassError {
  constructor() {
    super('ERR_INVALID_RESET_TOKEN', 'the reset token is not valid: it is wrong or has already been used');
  }
}
