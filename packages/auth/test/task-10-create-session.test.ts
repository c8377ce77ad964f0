import { createHash } from 'node:crypto';
import t from 'tap';
import { Auth } from '@hallpass/auth';
import { testDB } from '@hallpass/db/testing';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** How a token may sit in the database: as given (this task) or as its SHA-256 digest (task 22, token digests at rest). */
function storedForms(token: string | null): string[] {
  if (token === null) return [];
  return [token, createHash('sha256').update(token).digest('hex')];
}

t.test('createSession stores a new UUID as the session id and returns it', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const bob = await auth.registerUser('bob@bob.com', 'MyPwdOfBob');
  const amy = await auth.registerUser('amy@amy.com', 'MyPwdOfAmy');
  const sessionId = await auth.createSession('bob@bob.com');
  t.match(sessionId, UUID_V4);
  t.ok(storedForms(sessionId).includes((await db.findUserBy({ id: bob.id })).sessionId ?? ''), "it is the user's session id in the database");
  t.equal((await db.findUserBy({ id: amy.id })).sessionId, null, 'other users are untouched');
});

t.test('each session is new: a second one replaces the first', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const bob = await auth.registerUser('bob@bob.com', 'MyPwdOfBob');
  const first = await auth.createSession('bob@bob.com');
  const second = await auth.createSession('BOB@bob.com');
  t.match(second, UUID_V4);
  t.not(second, first);
  const stored = (await db.findUserBy({ id: bob.id })).sessionId ?? '';
  t.ok(storedForms(second).includes(stored), 'the email matches in any letter case: the second session is stored');
  t.notOk(storedForms(first).includes(stored), 'the first one is not stored any more');
});

t.test('two users never share a session id', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await auth.registerUser('bob@bob.com', 'MyPwdOfBob');
  await auth.registerUser('amy@amy.com', 'MyPwdOfAmy');
  t.not(await auth.createSession('bob@bob.com'), await auth.createSession('amy@amy.com'));
});

t.test('an unknown email gets null and changes nothing', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await auth.registerUser('bob@bob.com', 'MyPwdOfBob');
  t.equal(await auth.createSession('nobody@example.com'), null);
  t.equal(await auth.createSession(`${'a'.repeat(250)}@example.com`), null, 'even one too long to be stored');
  t.same(await db.knex('users').select('session_id'), [{ session_id: null }]);
});

t.test('an email that is not a non-empty string is refused', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  for (const email of ['', undefined, null, 42]) {
    await t.rejects(auth.createSession(email as string), { code: 'ERR_INVALID_ARGUMENT', message: /email must be a non-empty string/ });
  }
});
