import t from 'tap';
import * as auth from '@hallpass/auth';
import * as db from '@hallpass/db';

t.test('the errors of @hallpass/auth are HallpassErrors with stable codes', async (t) => {
  const cases: [Error & { code: string }, string, string][] = [
    [new auth.UserExistsError('a@b.c'), 'ERR_USER_EXISTS', 'User a@b.c already exists'],
    [new auth.UnknownEmailError('a@b.c'), 'ERR_UNKNOWN_EMAIL', 'no user is registered with the email a@b.c'],
    [new auth.InvalidResetTokenError(), 'ERR_INVALID_RESET_TOKEN', 'the reset token is not valid: it is wrong or has already been used'],
    [new auth.WeakPasswordError('too-short'), 'ERR_WEAK_PASSWORD', 'password is too short: use at least 15 characters'],
    [new auth.WrongPasswordError(), 'ERR_WRONG_PASSWORD', 'the current password is wrong'],
  ];
  for (const [error, code, message] of cases) {
    t.ok(error instanceof auth.HallpassError, `${error.name} is a HallpassError`);
    t.ok(error instanceof Error);
    t.equal(error.code, code);
    t.equal(error.message, message);
    t.equal(error.name, error.constructor.name);
  }
  t.equal(new auth.UserExistsError('a@b.c').email, 'a@b.c');
  t.equal(new auth.UnknownEmailError('a@b.c').email, 'a@b.c');
});

t.test('what the service needs from the layers below is re-exported, not copied', async (t) => {
  for (const name of ['DB', 'User', 'HallpassError', 'InvalidArgumentError', 'TaskNotDoneError', 'NoResultFoundError', 'InvalidRequestError', 'InvalidAttributeError', 'DatabaseOpenError', 'redact'] as const) {
    t.equal(auth[name], db[name], name);
  }
  t.equal(auth.DEFAULT_BCRYPT_COST, 12);
  t.equal(auth.MAX_PASSWORD_BYTES, 72);
});
