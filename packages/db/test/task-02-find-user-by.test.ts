import t from 'tap';
import { InvalidRequestError, NoResultFoundError, User } from '@hallpass/db';
import { testDB } from '@hallpass/db/testing';

t.test('findUserBy returns the user matching the criteria', async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser('bob@example.com', 'hash-b');
  const amy = await db.addUser('amy@example.com', 'hash-a');
  t.equal((await db.findUserBy({ email: 'bob@example.com' })).id, bob.id, 'by email');
  t.equal((await db.findUserBy({ id: amy.id })).email, 'amy@example.com', 'by id');
  t.equal((await db.findUserBy({ hashedPassword: 'hash-a' })).id, amy.id, 'by hashedPassword');
  t.equal((await db.findUserBy({ email: 'amy@example.com', hashedPassword: 'hash-a' })).id, amy.id, 'every criterion must match');
  t.ok((await db.findUserBy({ email: 'bob@example.com' })) instanceof User, 'a User, not a plain row');
  // Set through knex, not updateUser: that is task 3, still to do when this task is taken.
  await db.knex('users').where('id', amy.id).update({ session_id: 's-1' });
  t.equal((await db.findUserBy({ sessionId: 's-1' })).id, amy.id, 'by sessionId');
  t.equal((await db.findUserBy({ sessionId: null })).id, bob.id, 'null matches a cleared property (IS NULL, not = NULL)');
  t.equal((await db.findUserBy({ resetToken: null })).id, bob.id, 'the first match by id when several users match');
});

t.test('emails match whatever their case', async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser('Bob@Example.com', 'hash');
  const found = await db.findUserBy({ email: 'bob@EXAMPLE.COM' });
  t.equal(found.id, bob.id, 'bob@EXAMPLE.COM finds Bob@Example.com');
  t.equal(found.email, 'Bob@Example.com', 'stored as given');
});

t.test('no match is a NoResultFoundError', async (t) => {
  const db = await testDB(t);
  await db.addUser('bob@example.com', 'hash');
  await t.rejects(db.findUserBy({ email: 'nobody@example.com' }), NoResultFoundError, 'an unknown email throws, it does not answer undefined');
  await t.rejects(db.findUserBy({ email: 'nobody@example.com' }), { code: 'ERR_NO_RESULT_FOUND', message: /nobody@example\.com/ }, 'the message names the email');
  const error = (await db.findUserBy({ email: 'bob@example.com', hashedPassword: 'secret-hash' }).catch((e: unknown) => e)) as Error;
  t.match(error, { code: 'ERR_NO_RESULT_FOUND' }, 'every criterion must match, not only the first');
  t.notOk(error.message.includes('secret-hash'), 'the message does not echo a hash or a token');
  await t.rejects(db.findUserBy({ id: 999 }), NoResultFoundError, 'an unknown id');
  await t.rejects(db.findUserBy({ resetToken: 'no-such-token' }), NoResultFoundError, 'an unknown token');
});

t.test('criteria that are not User properties are an InvalidRequestError', async (t) => {
  const db = await testDB(t);
  await db.addUser('bob@example.com', 'hash');
  // [criteria, a fact the message states: the key or value type at fault]
  const bad: [unknown, RegExp | null][] = [
    [{}, null],
    [{ no_email: 'bob@example.com' }, /no_email/],
    [{ hashed_password: 'hash' }, /hashed_password/],
    [{ email: 'bob@example.com', extra: 1 }, /extra/],
    [null, null],
    ['bob@example.com', null],
    [['email'], null],
    [{ email: 42 }, /email/],
    [{ email: undefined }, /email/],
    [{ id: '1' }, /id/],
    [{ id: 1.5 }, /id/],
  ];
  for (const [criteria, fact] of bad) {
    const label = `findUserBy(${JSON.stringify(criteria) ?? 'undefined'})`;
    await t.rejects(db.findUserBy(criteria as never), InvalidRequestError, label);
    await t.rejects(db.findUserBy(criteria as never), { code: 'ERR_INVALID_REQUEST', ...(fact === null ? {} : { message: fact }) }, label);
  }
});
