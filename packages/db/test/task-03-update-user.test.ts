import t from 'tap';
import { InvalidAttributeError, NoResultFoundError } from '@hallpass/db';
import { testDB } from '@hallpass/db/testing';

t.test('updateUser changes the given properties and nothing else', async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser('bob@example.com', 'hash');
  const amy = await db.addUser('amy@example.com', 'hash');
  await db.updateUser(bob.id, { hashedPassword: 'new-hash', sessionId: 'session-1' });
  t.match(await db.findUserBy({ id: bob.id }), { email: 'bob@example.com', hashedPassword: 'new-hash', sessionId: 'session-1', resetToken: null });
  t.match(await db.findUserBy({ id: amy.id }), { hashedPassword: 'hash', sessionId: null }, 'other users are untouched');

  await db.updateUser(bob.id, { sessionId: null, resetToken: 'token-1' });
  t.match(await db.findUserBy({ id: bob.id }), { sessionId: null, resetToken: 'token-1' }, 'nullable properties can be cleared');
  await db.updateUser(bob.id, { email: 'robert@example.com' });
  t.equal((await db.findUserBy({ id: bob.id })).email, 'robert@example.com');
});

t.test('an empty change is allowed for a user that exists', async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser('bob@example.com', 'hash');
  await db.updateUser(bob.id, {});
  await t.rejects(db.updateUser(bob.id + 1, {}), NoResultFoundError);
});

t.test('an unknown id is a NoResultFoundError', async (t) => {
  const db = await testDB(t);
  await t.rejects(db.updateUser(12345, { sessionId: 'x' }), { code: 'ERR_NO_RESULT_FOUND', message: 'no user has id 12345' });
});

t.test('keys that are not User properties are an InvalidAttributeError, and nothing is written', async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser('bob@example.com', 'hash');
  const bad: [unknown, RegExp][] = [
    [{ hashed_password: 'x' }, /"hashed_password" is not a User property/],
    [{ sessionId: 'new', password: 'x' }, /"password" is not a User property/],
    [{ id: bob.id + 1 }, /id cannot be changed/],
    [null, /takes an object of User properties, got null/],
    [[1], /got an array/],
  ];
  for (const [changes, message] of bad) {
    await t.rejects(db.updateUser(bob.id, changes as never), InvalidAttributeError);
    await t.rejects(db.updateUser(bob.id, changes as never), { code: 'ERR_INVALID_ATTRIBUTE', message });
  }
  t.match(await db.findUserBy({ id: bob.id }), { id: bob.id, sessionId: null, hashedPassword: 'hash' }, 'the row is as it was');
});

t.test('bad ids and values are refused with a typed error', async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser('bob@example.com', 'hash');
  for (const id of ['1', 0, -1, 1.5, Number.NaN, null, undefined]) {
    await t.rejects(db.updateUser(id as never, { sessionId: 'x' }), { code: 'ERR_INVALID_ARGUMENT', message: /id must be a positive integer/ });
  }
  await t.rejects(db.updateUser(bob.id, { email: '' }), { code: 'ERR_INVALID_ARGUMENT', message: /email must be a non-empty string/ });
  await t.rejects(db.updateUser(bob.id, { email: null as never }), { code: 'ERR_INVALID_ARGUMENT' });
  await t.rejects(db.updateUser(bob.id, { sessionId: 7 as never }), { code: 'ERR_INVALID_ARGUMENT' });
  await t.rejects(db.updateUser(bob.id, { resetToken: 'x'.repeat(251) }), { code: 'ERR_INVALID_ARGUMENT', message: /at most 250/ });
  t.match(await db.findUserBy({ id: bob.id }), { email: 'bob@example.com', sessionId: null, resetToken: null });
});
