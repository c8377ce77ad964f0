import bcrypt from 'bcrypt';
import t from 'tap';
import { Auth, hashPassword, verifyPassword } from '@hallpass/auth';
import { testDB } from '@hallpass/db/testing';

t.test('validLogin is true for the right password and false for a wrong one', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await auth.registerUser('bob@bob.com', 'MyPwdOfBob');
  await auth.registerUser('amy@amy.com', 'MyPwdOfAmy');
  t.equal(await auth.validLogin('bob@bob.com', 'MyPwdOfBob'), true, 'the right password');
  t.equal(await auth.validLogin('bob@bob.com', 'mypwdofbob'), false, 'passwords are case-sensitive');
  t.equal(await auth.validLogin('bob@bob.com', 'wrong'), false, 'a wrong password');
  t.equal(await auth.validLogin('bob@bob.com', 'MyPwdOfBob '), false);
  t.equal(await auth.validLogin('bob@bob.com', 'MyPwdOfAmy'), false, "another user's password does not work");
  t.equal(await auth.validLogin('amy@amy.com', 'MyPwdOfAmy'), true);
});

t.test('the email matches whatever its letter case', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await auth.registerUser('Bob@Bob.com', 'MyPwdOfBob');
  t.equal(await auth.validLogin('bob@bob.com', 'MyPwdOfBob'), true, 'bob@bob.com logs in as Bob@Bob.com');
  t.equal(await auth.validLogin('BOB@BOB.COM', 'MyPwdOfBob'), true, 'BOB@BOB.COM logs in as Bob@Bob.com');
});

t.test('an unknown email is false, not an error', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  // An error instead of false would make the app answer 500 to a login with an unknown email.
  const answer = (email: string, password: string): Promise<unknown> => auth.validLogin(email, password).catch((error: Error) => `${error.name}: ${error.message}`);
  t.equal(await answer('nobody@example.com', 'whatever'), false, 'no users at all: false, not an error');
  await auth.registerUser('bob@bob.com', 'MyPwdOfBob');
  t.equal(await answer('nobody@example.com', 'MyPwdOfBob'), false, 'an unknown email: false, not an error');
  t.equal(await answer(`${'a'.repeat(250)}@example.com`, 'MyPwdOfBob'), false, 'even one too long to be stored');
});

t.test('a password longer than 72 bytes is refused, so it cannot log in on its first 72 bytes', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const password = 'a'.repeat(72);
  await auth.registerUser('bob@bob.com', password);
  t.equal(await auth.validLogin('bob@bob.com', password), true, '72 bytes log in');
  await t.rejects(auth.validLogin('bob@bob.com', `${password}b`), { code: 'ERR_INVALID_ARGUMENT', message: /72 bytes/ }, '73 bytes are refused');
  await t.rejects(auth.validLogin('bob@bob.com', 'é'.repeat(37)), { code: 'ERR_INVALID_ARGUMENT', message: /72 bytes/ }, '37 characters of 2 bytes are refused');
});

t.test('bad arguments are refused with a typed error', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await auth.registerUser('bob@bob.com', 'MyPwdOfBob');
  // [email, password, a fact the message states: the argument at fault]
  const bad: [unknown, unknown, RegExp][] = [
    ['', 'MyPwdOfBob', /email/],
    [null, 'MyPwdOfBob', /email/],
    ['bob@bob.com', '', /password/],
    ['bob@bob.com', undefined, /password/],
    ['nobody@example.com', 7, /password/],
  ];
  for (const [email, password, message] of bad) {
    const label = `validLogin(${JSON.stringify(email)}, ${JSON.stringify(password) ?? 'undefined'})`;
    await t.rejects(auth.validLogin(email as string, password as string), { code: 'ERR_INVALID_ARGUMENT', message }, `${label}: checked before the lookup, even for an unknown email`);
  }
});

t.test('verifyPassword compares a password with a bcrypt hash', async (t) => {
  const hash = await hashPassword('b4l0u', { cost: 4 });
  t.equal(await verifyPassword('b4l0u', hash), true, 'the password the hash was made from');
  t.equal(await verifyPassword('b4l0U', hash), false, 'another password');
  await t.rejects(verifyPassword('b'.repeat(73), hash), { code: 'ERR_INVALID_ARGUMENT' }, 'a password over 72 bytes is refused, not compared on its first 72 bytes');
  t.equal(await verifyPassword('b4l0u', 'not a bcrypt hash'), false, 'a malformed hash matches nothing');

  // A comparison done on the event loop (compareSync) is over before the caller's next microtasks run;
  // bcrypt.compare's runs on the thread pool and cannot finish before the event loop turns.
  let settled = false;
  const comparing = verifyPassword('b4l0u', hash).then(() => (settled = true));
  for (let tick = 0; tick < 10; tick++) await Promise.resolve();
  t.notOk(settled, 'the comparison does not block the event loop (bcrypt.compare, not compareSync)');
  await comparing;
  await t.rejects(verifyPassword('b4l0u', null as never), { code: 'ERR_INVALID_ARGUMENT', message: /hashedPassword/ }, 'a hash that is not a string is refused');
});

t.test('verifyPassword compares the NFC form, and the form as typed for a hash made before passwords were normalised', async (t) => {
  const composed = 'caf\u00e9-cr\u00e8me';
  const decomposed = 'cafe\u0301-cre\u0300me';
  const hash = await hashPassword(composed, { cost: 4 });
  t.equal(await verifyPassword(decomposed, hash), true, 'an accent typed apart matches the composed one');
  t.equal(await verifyPassword(composed, hash), true);
  const oldHash = await bcrypt.hash(decomposed, 4);
  t.equal(await verifyPassword(decomposed, oldHash), true, 'an old hash of the decomposed form still opens with that form');
  t.equal(await verifyPassword('cafe\u0301-cre\u0300mes', oldHash), false, 'another decomposed password does not');
  // 90 bytes as typed, 60 in NFC: no hash was ever made of the typed form (it was over 72 bytes), so it alone is compared.
  const long = 'e\u0301'.repeat(30);
  t.equal(await verifyPassword(long, await hashPassword(long, { cost: 4 })), true);
  t.equal(await verifyPassword(long, oldHash), false);
  t.equal(await verifyPassword(long, await bcrypt.hash('e\u0301'.repeat(24), 4)), false, 'the form as typed is never compared past 72 bytes, so it cannot match on its first 72 alone');
});
