import t from 'tap';
import { InvalidRequestError, NoResultFoundError } from '@hallpass/db';
import { testDB } from '@hallpass/db/testing';

t.test('findUserBy returns the user matching the criteria', async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser('bob@example.com', 'hash-b');
  const amy = await db.addUser('amy@example.com', 'hash-a');
  t.equal((await db.findUserBy({ email: 'bob@example.com' })).id, bob.id);
  t.equal((await db.findUserBy({ id: amy.id })).email, 'amy@example.com');
  t.equal((await db.findUserBy({ hashedPassword: 'hash-a' })).id, amy.id);
  t.equal((await db.findUserBy({ email: 'amy@example.com', hashedPassword: 'hash-a' })).id, amy.id, 'every criterion must match');
  // Set through knex, not updateUser: that is task 3, still to do when this task is taken.
  await db.knex('users').where('id', amy.id).update({ session_id: 's-1' });
  t.equal((await db.findUserBy({ sessionId: 's-1' })).id, amy.id);
  t.equal((await db.findUserBy({ sessionId: null })).id, bob.id, 'null matches a cleared property');
});

t.test('emails match whatever their case', async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser('Bob@Example.com', 'hash');
  const found = await db.findUserBy({ email: 'bob@EXAMPLE.COM' });
  t.equal(found.id, bob.id);
  t.equal(found.email, 'Bob@Example.com', 'stored as given');
});

t.test('no match is a NoResultFoundError', async (t) => {
  const db = await testDB(t);
  await db.addUser('bob@example.com', 'hash');
  await t.rejects(db.findUserBy({ email: 'nobody@example.com' }), NoResultFoundError);
  await t.rejects(db.findUserBy({ email: 'nobody@example.com' }), { code: 'ERR_NO_RESULT_FOUND', message: 'no user matches email = "nobody@example.com"' });
  await t.rejects(db.findUserBy({ email: 'bob@example.com', hashedPassword: 'other' }), {
    message: 'no user matches email = "bob@example.com", the given hashedPassword',
  }, 'secrets are not echoed');
  await t.rejects(db.findUserBy({ id: 999 }), NoResultFoundError);
  await t.rejects(db.findUserBy({ resetToken: 'no-such-token' }), NoResultFoundError);
});

t.test('criteria that are not User properties are an InvalidRequestError', async (t) => {
  const db = await testDB(t);
  await db.addUser('bob@example.com', 'hash');
  const bad: [unknown, RegExp][] = [
    [{}, /at least one criterion/],
    [{ no_email: 'bob@example.com' }, /"no_email" is not a User property/],
    [{ hashed_password: 'hash' }, /"hashed_password" is not a User property/],
    [{ email: 'bob@example.com', extra: 1 }, /"extra" is not a User property/],
    [null, /takes an object of User properties, got null/],
    ['bob@example.com', /got a string/],
    [['email'], /got an array/],
    [{ email: 42 }, /email must be a non-empty string, got number/],
    [{ email: undefined }, /email must be a non-empty string, got undefined/],
    [{ id: '1' }, /id must be an integer, got a string/],
    [{ id: 1.5 }, /id must be an integer/],
  ];
  for (const [criteria, message] of bad) {
    await t.rejects(db.findUserBy(criteria as never), InvalidRequestError, JSON.stringify(criteria) ?? 'undefined');
    await t.rejects(db.findUserBy(criteria as never), { code: 'ERR_INVALID_REQUEST', message });
  }
});
