import { HallpassError } from '@hallpass/db';
import { MIN_PASSWORD_LENGTH } from './password.ts';

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

/** `confirmEmail` was given a token that confirms nothing: wrong, already used, or expired. The token is never echoed. */
export class InvalidConfirmationTokenError extends HallpassError {
  constructor() {
    super('ERR_INVALID_CONFIRMATION_TOKEN', 'the confirmation token is not valid: it is wrong, has already been used, or has expired');
  }
}

/** Which rule of the password policy a new password breaks. */
export type WeakPasswordRule = 'too-short' | 'too-common' | 'context';

const weakPasswordMessages: Readonly<Record<WeakPasswordRule, string>> = {
  'too-short': `password is too short: use at least ${MIN_PASSWORD_LENGTH} characters`,
  'too-common': 'password is too common: it is on the list of passwords attackers try first',
  context: 'password must not contain the name of the service or the part of the email before the @',
};

/** A new password breaks the password policy (production profile); `rule` says which part. The password is never echoed. */
export class WeakPasswordError extends HallpassError {
  readonly rule: WeakPasswordRule;

  constructor(rule: WeakPasswordRule) {
    super('ERR_WEAK_PASSWORD', weakPasswordMessages[rule]);
    this.rule = rule;
  }
}

/** `changePassword` was given a current password that is not the account's. */
export class WrongPasswordError extends HallpassError {
  constructor() {
    super('ERR_WRONG_PASSWORD', 'the current password is wrong');
  }
}

/**
 * `endSession` was given a session id that is not one of the user's live
 * sessions: unknown, ended, or another user's. All three read the same, so the
 * answer never tells that another user's session exists.
 */
export class UnknownSessionError extends HallpassError {
  constructor() {
    super('ERR_UNKNOWN_SESSION', 'no live session of yours has this id');
  }
}
