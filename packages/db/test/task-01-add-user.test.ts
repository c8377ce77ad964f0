import t from 'tap';
import { InvalidArgumentError, User } from '@hallpass/db';
import { testDB } from '@hallpass/db/testing';

t.test('addUser saves a user and returns it with its id', async (t) => {
  const db = await testDB(t);
  const user = await db.addUser('test@test.com', 'SuperHashedPwd');
  t.ok(user instanceof User, 'addUser returns a User (the model), not a plain row');
  t.type(user.id, 'number', 'the User has the id the database gave it');
  t.equal(user.email, 'test@test.com');
  t.equal(user.hashedPassword, 'SuperHashedPwd');
  t.equal(user.sessionId, null, 'the saved row is returned: sessionId is null, not missing');
  t.equal(user.resetToken, null, 'the saved row is returned: resetToken is null, not missing');

  const rows = await db.knex('users').select('id', 'email', 'hashed_password');
  t.same(rows, [{ id: user.id, email: 'test@test.com', hashed_password: 'SuperHashedPwd' }], 'the row is in the table');
});

t.test('each user gets an id of its own', async (t) => {
  const db = await testDB(t);
  const first = await db.addUser('test@test.com', 'SuperHashedPwd');
  const second = await db.addUser('test1@test.com', 'SuperHashedPwd1');
  t.not(first.id, second.id, 'two users, two ids');
  t.equal(await db.knex('users').count('* as n').first().then((r) => Number(r?.n)), 2, 'two rows in users');
});

t.test('addUser refuses bad arguments with a typed error and writes nothing', async (t) => {
  const db = await testDB(t);
  // The checks are given: the two checkText calls in front of the task's code.
  const bad: [unknown, unknown, RegExp][] = [
    [undefined, 'hash', /email/],
    ['', 'hash', /email/],
    [42, 'hash', /email/],
    ['a@b.c', null, /hashedPassword/],
    ['a@b.c', '', /hashedPassword/],
    ['a@b.c', ['hash'], /hashedPassword/],
    [`${'a'.repeat(248)}@b.c`, 'hash', /email/],
  ];
  for (const [email, hash, message] of bad) {
    const label = `addUser(${JSON.stringify(email) ?? 'undefined'}, ${JSON.stringify(hash)})`;
    await t.rejects(db.addUser(email as string, hash as string), new InvalidArgumentError(''), label);
    await t.rejects(db.addUser(email as string, hash as string), { code: 'ERR_INVALID_ARGUMENT', message }, `${label}: the message names the argument`);
  }
  t.same(await db.knex('users').select('id'), [], 'no row was written');
});
