import t from 'tap';
import bcrypt from 'bcrypt';
import { Auth, User, UserExistsError } from '@hallpass/auth';
import { testDB } from '@hallpass/db/testing';

t.test('registerUser saves the user with a bcrypt hash of the password', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const user = await auth.registerUser('me@me.com', 'mySecuredPwd');
  t.ok(user instanceof User, 'registerUser returns the saved User');
  t.type(user.id, 'number');
  t.equal(user.email, 'me@me.com');
  t.not(user.hashedPassword, 'mySecuredPwd', 'the password is not stored in clear');
  t.match(user.hashedPassword, /^\$2b\$04\$/, 'a $2b$ hash at the cost given to Auth (bcryptCost: 4)');
  t.ok(await bcrypt.compare('mySecuredPwd', user.hashedPassword), 'the hash is of the password');

  const row = await db.findUserBy({ email: 'me@me.com' });
  t.equal(row.id, user.id, 'the user is in the database');
  t.equal(row.hashedPassword, user.hashedPassword);
  t.not(row.hashedPassword, 'mySecuredPwd', 'the password itself is not stored');
  t.same([row.sessionId, row.resetToken], [null, null]);
});

t.test('by default new passwords are hashed at cost 12', async (t) => {
  const db = await testDB(t);
  const user = await new Auth(db).registerUser('me@me.com', 'mySecuredPwd');
  t.equal(user.hashedPassword.split('$')[2], '12', 'no bcryptCost given: cost 12');
});

t.test('two users with the same password get different hashes', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const bob = await auth.registerUser('bob@example.com', 'same password');
  const amy = await auth.registerUser('amy@example.com', 'same password');
  t.not(bob.id, amy.id);
  t.not(bob.hashedPassword, amy.hashedPassword, 'each hash has its own salt');
});

t.test('an email already registered is a UserExistsError, in any letter case', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const first = await auth.registerUser('Bob@Example.com', 'b4l0u');
  t.equal(first.email, 'Bob@Example.com', 'the email is stored as given');
  for (const email of ['Bob@Example.com', 'bob@example.com', 'BOB@EXAMPLE.COM']) {
    await t.rejects(auth.registerUser(email, 'other password'), UserExistsError, email);
    await t.rejects(auth.registerUser(email, 'other password'), { name: 'UserExistsError', code: 'ERR_USER_EXISTS', email }, `${email}: the error carries the email`);
  }
  const rows = await db.knex('users').select('id', 'hashed_password');
  t.same(rows, [{ id: first.id, hashed_password: first.hashedPassword }], 'still one user, with its first password');
});

t.test('bad arguments are refused with a typed error and nothing is saved', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  // [email, password, a fact the message states: the argument at fault, or the byte limit]
  const bad: [unknown, unknown, RegExp][] = [
    ['', 'b4l0u', /email/],
    [undefined, 'b4l0u', /email/],
    [42, 'b4l0u', /email/],
    ['me@me.com', '', /password/],
    ['me@me.com', null, /password/],
    ['me@me.com', 'a'.repeat(73), /72 bytes/],
    ['me@me.com', 'é'.repeat(37), /72 bytes/],
    [`${'a'.repeat(247)}@b.co`, 'b4l0u', /email/],
  ];
  for (const [email, password, message] of bad) {
    const label = `registerUser(${JSON.stringify(email) ?? 'undefined'}, ${JSON.stringify(password)?.slice(0, 20)})`;
    await t.rejects(auth.registerUser(email as string, password as string), { code: 'ERR_INVALID_ARGUMENT', message }, label);
  }
  t.same(await db.knex('users').select('id'), [], 'no user was saved');
});

t.test('a bad password is refused even for an email already registered', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await auth.registerUser('me@me.com', 'b4l0u');
  await t.rejects(auth.registerUser('me@me.com', 'a'.repeat(80)), { code: 'ERR_INVALID_ARGUMENT' }, 'input is checked before the lookup');
});
