import { createHash } from 'node:crypto';
import t from 'tap';
import { Auth, UnknownEmailError } from '@hallpass/auth';
import { testDB } from '@hallpass/db/testing';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** How a token may sit in the database: as given (this task) or as its SHA-256 digest (task 22, token digests at rest). */
function storedForms(token: string | null): string[] {
  if (token === null) return [];
  return [token, createHash('sha256').update(token).digest('hex')];
}

t.test('getResetPasswordToken stores a new UUID as the reset token and returns it', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const bob = await auth.registerUser('bob@bob.com', 'MyPwdOfBob');
  const amy = await auth.registerUser('amy@amy.com', 'MyPwdOfAmy');
  const token = await auth.getResetPasswordToken('bob@bob.com');
  t.match(token, UUID_V4);
  const row = await db.findUserBy({ id: bob.id });
  t.ok(storedForms(token).includes(row.resetToken ?? ''), "it is the user's reset token in the database");
  t.equal(row.hashedPassword, bob.hashedPassword, 'the password is unchanged until the token is used');
  t.equal((await db.findUserBy({ id: amy.id })).resetToken, null, 'other users are untouched');
});

t.test('a new token replaces the previous one; the email matches in any letter case', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const bob = await auth.registerUser('Bob@Bob.com', 'MyPwdOfBob');
  const first = await auth.getResetPasswordToken('bob@bob.com');
  const second = await auth.getResetPasswordToken('BOB@BOB.COM');
  t.not(second, first);
  t.match(second, UUID_V4);
  const stored = (await db.findUserBy({ id: bob.id })).resetToken ?? '';
  t.ok(storedForms(second).includes(stored), 'the second token is stored');
  t.notOk(storedForms(first).includes(stored), 'the first one is not stored any more');
});

t.test('an unknown email is an UnknownEmailError', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await auth.registerUser('bob@bob.com', 'MyPwdOfBob');
  await t.rejects(auth.getResetPasswordToken('nobody@example.com'), UnknownEmailError);
  await t.rejects(auth.getResetPasswordToken('nobody@example.com'), {
    name: 'UnknownEmailError',
    code: 'ERR_UNKNOWN_EMAIL',
    message: 'no user is registered with the email nobody@example.com',
  });
  t.same(await db.knex('users').select('reset_token'), [{ reset_token: null }], 'no token was stored');
});

t.test('an email that is not a non-empty string is refused', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  for (const email of ['', undefined, null, ['bob@bob.com']]) {
    await t.rejects(auth.getResetPasswordToken(email as string), { code: 'ERR_INVALID_ARGUMENT', message: /email must be a non-empty string/ });
  }
});
