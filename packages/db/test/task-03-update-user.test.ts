import t from 'tap';
import { InvalidAttributeError, NoResultFoundError } from '@hallpass/db';
import { testDB } from '@hallpass/db/testing';

t.test('updateUser changes the given properties and nothing else', async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser('bob@example.com', 'hash');
  const amy = await db.addUser('amy@example.com', 'hash');
  await db.updateUser(bob.id, { hashedPassword: 'new-hash', sessionId: 'session-1' });
  t.match(await db.findUserBy({ id: bob.id }), { email: 'bob@example.com', hashedPassword: 'new-hash', sessionId: 'session-1', resetToken: null });
  t.match(await db.findUserBy({ id: amy.id }), { hashedPassword: 'hash', sessionId: null }, 'other users are untouched (the update has a where on the id)');

  await db.updateUser(bob.id, { sessionId: null, resetToken: 'token-1' });
  t.match(await db.findUserBy({ id: bob.id }), { sessionId: null, resetToken: 'token-1' }, 'nullable properties can be cleared');
  await db.updateUser(bob.id, { email: 'robert@example.com' });
  t.equal((await db.findUserBy({ id: bob.id })).email, 'robert@example.com');
});

t.test('an empty change is allowed for a user that exists', async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser('bob@example.com', 'hash');
  await db.updateUser(bob.id, {});
  await t.rejects(db.updateUser(bob.id + 1, {}), NoResultFoundError, 'even an empty change checks that the user exists');
});

t.test('an unknown id is a NoResultFoundError', async (t) => {
  const db = await testDB(t);
  await t.rejects(db.updateUser(12345, { sessionId: 'x' }), NoResultFoundError, 'an unknown id throws instead of changing nothing silently');
  await t.rejects(db.updateUser(12345, { sessionId: 'x' }), { code: 'ERR_NO_RESULT_FOUND', message: /12345/ }, 'the message names the id');
});

t.test('keys that are not User properties are an InvalidAttributeError, and nothing is written', async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser('bob@example.com', 'hash');
  // [changes, a fact the message states: the key at fault]
  const bad: [unknown, RegExp | null][] = [
    [{ hashed_password: 'x' }, /hashed_password/],
    [{ sessionId: 'new', password: 'x' }, /password/],
    [{ id: bob.id + 1 }, /\bid\b/],
    [null, null],
    [[1], null],
  ];
  for (const [changes, fact] of bad) {
    const label = `updateUser(id, ${JSON.stringify(changes)})`;
    await t.rejects(db.updateUser(bob.id, changes as never), InvalidAttributeError, label);
    await t.rejects(db.updateUser(bob.id, changes as never), { code: 'ERR_INVALID_ATTRIBUTE', ...(fact === null ? {} : { message: fact }) }, label);
  }
  t.match(await db.findUserBy({ id: bob.id }), { id: bob.id, sessionId: null, hashedPassword: 'hash' }, 'nothing of a refused change is written, not even its valid part');
  t.same(await db.knex('users').select('id').orderBy('id'), [{ id: bob.id }], 'the id was not changed');
});

t.test('bad ids and values are refused with a typed error', async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser('bob@example.com', 'hash');
  for (const id of ['1', 0, -1, 1.5, Number.NaN, null, undefined]) {
    await t.rejects(db.updateUser(id as never, { sessionId: 'x' }), { code: 'ERR_INVALID_ARGUMENT', message: /\bid\b/ }, `id ${String(id)}`);
  }
  // The value checks are given (checkValue in db.ts); the task is to run them on every change before writing.
  const values: [Record<string, unknown>, RegExp][] = [
    [{ email: '' }, /email/],
    [{ email: null }, /email/],
    [{ sessionId: 7 }, /sessionId/],
    [{ resetToken: 'x'.repeat(251) }, /resetToken/],
  ];
  for (const [changes, message] of values) {
    await t.rejects(db.updateUser(bob.id, changes as never), { code: 'ERR_INVALID_ARGUMENT', message }, `updateUser(id, ${JSON.stringify(changes).slice(0, 40)})`);
  }
  t.match(await db.findUserBy({ id: bob.id }), { email: 'bob@example.com', sessionId: null, resetToken: null }, 'nothing was written');
});
