import t from 'tap';
import { Auth, hashPassword, verifyPassword } from '@hallpass/auth';
import { testDB } from '@hallpass/db/testing';

t.test('validLogin is true for the right password and false for a wrong one', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await auth.registerUser('bob@bob.com', 'MyPwdOfBob');
  await auth.registerUser('amy@amy.com', 'MyPwdOfAmy');
  t.equal(await auth.validLogin('bob@bob.com', 'MyPwdOfBob'), true);
  t.equal(await auth.validLogin('bob@bob.com', 'mypwdofbob'), false, 'passwords are case-sensitive');
  t.equal(await auth.validLogin('bob@bob.com', 'MyPwdOfBob '), false);
  t.equal(await auth.validLogin('bob@bob.com', 'MyPwdOfAmy'), false, "another user's password does not work");
  t.equal(await auth.validLogin('amy@amy.com', 'MyPwdOfAmy'), true);
});

t.test('the email matches whatever its letter case', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await auth.registerUser('Bob@Bob.com', 'MyPwdOfBob');
  t.equal(await auth.validLogin('bob@bob.com', 'MyPwdOfBob'), true);
  t.equal(await auth.validLogin('BOB@BOB.COM', 'MyPwdOfBob'), true);
});

t.test('an unknown email is false, not an error', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  t.equal(await auth.validLogin('nobody@example.com', 'whatever'), false, 'no users at all');
  await auth.registerUser('bob@bob.com', 'MyPwdOfBob');
  t.equal(await auth.validLogin('nobody@example.com', 'MyPwdOfBob'), false);
  t.equal(await auth.validLogin(`${'a'.repeat(250)}@example.com`, 'MyPwdOfBob'), false, 'even one too long to be stored');
});

t.test('a password longer than 72 bytes is refused, so it cannot log in on its first 72 bytes', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const password = 'a'.repeat(72);
  await auth.registerUser('bob@bob.com', password);
  t.equal(await auth.validLogin('bob@bob.com', password), true);
  await t.rejects(auth.validLogin('bob@bob.com', `${password}b`), { code: 'ERR_INVALID_ARGUMENT', message: /at most 72 bytes in UTF-8, got 73 bytes/ });
  await t.rejects(auth.validLogin('bob@bob.com', 'é'.repeat(37)), { code: 'ERR_INVALID_ARGUMENT', message: /got 74 bytes/ });
});

t.test('bad arguments are refused with a typed error', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await auth.registerUser('bob@bob.com', 'MyPwdOfBob');
  const bad: [unknown, unknown, RegExp][] = [
    ['', 'MyPwdOfBob', /email must be a non-empty string/],
    [null, 'MyPwdOfBob', /email must be a non-empty string, got null/],
    ['bob@bob.com', '', /password must be a non-empty string/],
    ['bob@bob.com', undefined, /password must be a non-empty string, got undefined/],
    ['nobody@example.com', 7, /password must be a non-empty string, got number/],
  ];
  for (const [email, password, message] of bad) {
    await t.rejects(auth.validLogin(email as string, password as string), { code: 'ERR_INVALID_ARGUMENT', message });
  }
});

t.test('verifyPassword compares a password with a bcrypt hash', async (t) => {
  const hash = await hashPassword('b4l0u', { cost: 4 });
  t.equal(await verifyPassword('b4l0u', hash), true);
  t.equal(await verifyPassword('b4l0U', hash), false);
  await t.rejects(verifyPassword('b'.repeat(73), hash), { code: 'ERR_INVALID_ARGUMENT' });
  t.equal(await verifyPassword('b4l0u', 'not a bcrypt hash'), false, 'a malformed hash matches nothing');
  await t.rejects(verifyPassword('b4l0u', null as never), { code: 'ERR_INVALID_ARGUMENT', message: 'hashedPassword must be a string, got null' });
});
