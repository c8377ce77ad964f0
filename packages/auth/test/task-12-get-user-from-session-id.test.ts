import t from 'tap';
import { Auth, User } from '@hallpass/auth';
import { testDB } from '@hallpass/db/testing';

t.test('getUserFromSessionId finds the user holding the session id', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const bob = await auth.registerUser('bob@bob.com', 'MyPwdOfBob');
  const amy = await auth.registerUser('amy@amy.com', 'MyPwdOfAmy');
  const bobSession = await auth.createSession('bob@bob.com');
  const amySession = await auth.createSession('amy@amy.com');
  const found = await auth.getUserFromSessionId(bobSession);
  t.ok(found instanceof User);
  t.match(found, { id: bob.id, email: 'bob@bob.com' });
  t.match(await auth.getUserFromSessionId(amySession), { id: amy.id, email: 'amy@amy.com' });
});

t.test('no session id, or one nobody holds, finds nobody', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  // A user without a session: its session_id is null, and "no id" must not match it.
  await auth.registerUser('bob@bob.com', 'MyPwdOfBob');
  for (const sessionId of [undefined, null, '', 'a5e3ac3c-7c47-4c8f-8e6e-3f3b2e0d1c11', 'x'.repeat(300)]) {
    t.equal(await auth.getUserFromSessionId(sessionId), null, JSON.stringify(sessionId) ?? 'undefined');
  }
  t.equal(await auth.getUserFromSessionId(), null, 'no argument at all');
  for (const sessionId of [42, {}, ['x'], true]) {
    t.equal(await auth.getUserFromSessionId(sessionId as never), null, `not a string: ${JSON.stringify(sessionId)}`);
  }
});

t.test('a session id no longer stored no longer finds the user', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const bob = await auth.registerUser('bob@bob.com', 'MyPwdOfBob');
  const old = await auth.createSession('bob@bob.com');
  // Forgotten by hand, wherever it is kept: the user's row, or (from task 32 on) the sessions table.
  await db.knex('users').update({ session_id: null });
  await db.knex('sessions').delete();
  const current = await auth.createSession('bob@bob.com');
  t.equal(await auth.getUserFromSessionId(old), null);
  t.equal((await auth.getUserFromSessionId(current))?.id, bob.id);
});
