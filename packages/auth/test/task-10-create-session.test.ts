import { createHash } from 'node:crypto';
import t from 'tap';
import { Auth, type DB } from '@hallpass/auth';
import { testDB } from '@hallpass/db/testing';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The session tokens the database holds, in whatever form: the users' column, and (from task 32 on) the sessions table. */
async function storedSessions(db: DB): Promise<string[]> {
  const inRows = (await db.knex('users').whereNotNull('session_id').pluck('session_id')) as string[];
  const inTable = (await db.knex('sessions').pluck('token_digest')) as string[];
  return [...inRows, ...inTable];
}

/** Whether the stored session `stored` belongs to user `userId`. */
async function isSessionOf(db: DB, userId: number, stored: string): Promise<boolean> {
  const inRow = await db.knex('users').where({ id: userId, session_id: stored }).first();
  const inTable = await db.knex('sessions').where({ user_id: userId, token_digest: stored }).first();
  return inRow !== undefined || inTable !== undefined;
}

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
  const stored = await storedSessions(db);
  t.equal(stored.length, 1, 'one session is stored');
  t.ok(storedForms(sessionId).includes(stored[0]!), 'it is the session id in the database');
  t.ok(await isSessionOf(db, bob.id, stored[0]!), "it is bob's");
  t.equal((await db.findUserBy({ id: amy.id })).sessionId, null, 'other users are untouched');
});

t.test('each session is new, and the second is stored', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const bob = await auth.registerUser('bob@bob.com', 'MyPwdOfBob');
  const first = await auth.createSession('bob@bob.com');
  const second = await auth.createSession('BOB@bob.com');
  t.match(second, UUID_V4);
  t.not(second, first);
  // Whether the first one stays stored is task 32's question (a session per device), not this task's.
  const stored = (await storedSessions(db)).filter((token) => storedForms(second).includes(token));
  t.equal(stored.length, 1, 'the email matches in any letter case: the second session is stored');
  t.ok(await isSessionOf(db, bob.id, stored[0]!), "as bob's");
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
