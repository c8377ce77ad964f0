/** A session per device (task 32) at the library's level: many sessions per user, each listed, ended and expired on its own. */
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { Auth, DEFAULT_MAX_SESSIONS, UnknownSessionError, hashToken, type DB } from '@hallpass/auth';
import { migrateDownOne, migrateToLatest } from '@hallpass/db';
import { testDB } from '@hallpass/db/testing';

const MINUTE = 60_000;

function fakeClock(start = Date.parse('2026-03-02T08:00:00Z')) {
  let now = start;
  return { clock: () => new Date(now), advance: (ms: number) => (now += ms) };
}

async function sessionRows(db: DB): Promise<number> {
  return (await db.knex('sessions').select('id')).length;
}

async function withBobAndAmy(t: Parameters<typeof testDB>[0], options: ConstructorParameters<typeof Auth>[1] = {}) {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4, ...options });
  const bob = await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  const amy = await auth.registerUser('amy@example.com', 'MyPwdOfAmy');
  return { db, auth, bob, amy };
}

t.test('two logins of one user both work, and are listed newest first with the current one marked', async (t) => {
  const time = fakeClock();
  const { auth, bob } = await withBobAndAmy(t, { clock: time.clock });
  const laptop = (await auth.createSession('bob@example.com', { userAgent: 'Firefox on Linux', address: '203.0.113.7' }))!;
  time.advance(MINUTE);
  const phone = (await auth.createSession('BOB@example.com', { userAgent: 'Safari on iOS', address: '2001:db8::1' }))!;
  t.equal((await auth.getUserFromSessionId(laptop))?.id, bob.id, 'the first login still works');
  t.equal((await auth.getUserFromSessionId(phone))?.id, bob.id, 'and so does the second');

  const list = await auth.listSessions(bob.id, phone);
  t.match(list, [
    { current: true, userId: bob.id, createdAt: new Date(Date.parse('2026-03-02T08:01:00Z')), device: { userAgent: 'Safari on iOS', address: '2001:db8::1' } },
    { current: false, userId: bob.id, createdAt: new Date(Date.parse('2026-03-02T08:00:00Z')), device: { userAgent: 'Firefox on Linux', address: '203.0.113.7' } },
  ]);
  t.equal(list.length, 2);
  for (const session of list) {
    t.not(session.id, laptop, 'a public id is not a token');
    t.not(session.id, hashToken(laptop), 'nor a digest');
    t.notOk(JSON.stringify(session).includes(hashToken(session.current ? phone : laptop)), 'no digest in the description');
  }
  t.same((await auth.listSessions(bob.id)).map((session) => session.current), [false, false], 'without a token, none is current');
  t.same((await auth.listSessions(bob.id, randomUUID())).map((session) => session.current), [false, false], 'with a token of no session, none is current');
  t.match(await auth.currentSession(laptop), { id: list[1]!.id, current: true, userId: bob.id, lastSeenAt: new Date(Date.parse('2026-03-02T08:01:00Z')) }, 'a use is recorded');
  t.equal(await auth.currentSession('not-a-token'), null);
  t.equal(await auth.currentSession(undefined), null);
  t.equal(await auth.currentSession('0b6c3f3e-5d2a-4c1e-9f7a-2e4d6c8b0a13'), null, 'a token nobody holds');
});

t.test('the device description is bounded: the User-Agent is cut, control characters dropped, nothing becomes null', async (t) => {
  const { auth, bob } = await withBobAndAmy(t);
  await auth.createSession('bob@example.com', { userAgent: `Agent\u0000\r\n${'x'.repeat(500)}`, address: '' });
  await auth.createSession('bob@example.com');
  const [second, first] = await auth.listSessions(bob.id);
  t.equal(first!.device.userAgent, `Agent${'x'.repeat(195)}`, '200 characters at most');
  t.equal(first!.device.address, null);
  t.same(second!.device, { userAgent: null, address: null });
});

t.test('a user ends one session by its public id, in any letter case; another user\'s id is refused like an unknown one', async (t) => {
  const { auth, bob, amy } = await withBobAndAmy(t);
  const bobLaptop = (await auth.createSession('bob@example.com'))!;
  const bobPhone = (await auth.createSession('bob@example.com'))!;
  const amys = (await auth.createSession('amy@example.com'))!;
  const amyId = (await auth.currentSession(amys))!.id;
  const laptopId = (await auth.currentSession(bobLaptop))!.id;

  await t.rejects(auth.endSession(bob.id, amyId), UnknownSessionError, "amy's session is not bob's to end");
  await t.rejects(auth.endSession(bob.id, amyId), { code: 'ERR_UNKNOWN_SESSION', message: 'no live session of yours has this id' });
  t.equal((await auth.getUserFromSessionId(amys))?.id, amy.id, "amy's session still works");
  await t.rejects(auth.endSession(bob.id, '0b6c3f3e-5d2a-4c1e-9f7a-2e4d6c8b0a13'), { code: 'ERR_UNKNOWN_SESSION', message: 'no live session of yours has this id' }, 'an unknown id reads the same');
  await t.rejects(auth.endSession(bob.id, 'nope'), { code: 'ERR_UNKNOWN_SESSION' }, 'so does one that is no id at all');

  await auth.endSession(bob.id, laptopId.toUpperCase());
  t.equal(await auth.getUserFromSessionId(bobLaptop), null, 'the laptop is logged out');
  t.equal((await auth.getUserFromSessionId(bobPhone))?.id, bob.id, 'the phone is not');
  await t.rejects(auth.endSession(bob.id, laptopId), { code: 'ERR_UNKNOWN_SESSION' }, 'an ended session cannot be ended twice');

  for (const id of ['', 42, null]) await t.rejects(auth.endSession(bob.id, id as string), { code: 'ERR_INVALID_ARGUMENT', message: /id must be a non-empty string/ });
  for (const userId of [0, -1, 1.5, '1', null]) {
    await t.rejects(auth.endSession(userId as number, laptopId), { code: 'ERR_INVALID_ARGUMENT', message: /id must be a positive integer/ });
    await t.rejects(auth.listSessions(userId as number), { code: 'ERR_INVALID_ARGUMENT' });
    await t.rejects(auth.endOtherSessions(userId as number, bobPhone), { code: 'ERR_INVALID_ARGUMENT' });
  }
  await t.rejects(auth.endOtherSessions(bob.id, ''), { code: 'ERR_INVALID_ARGUMENT', message: /currentSessionId must be a non-empty string/ });
});

t.test('ending every other session keeps the current one, and nobody else\'s', async (t) => {
  const { auth, bob, amy } = await withBobAndAmy(t);
  const tokens = [];
  for (let i = 0; i < 3; i++) tokens.push((await auth.createSession('bob@example.com'))!);
  const amys = (await auth.createSession('amy@example.com'))!;
  t.equal(await auth.endOtherSessions(bob.id, tokens[1]!), 2, 'two ended');
  t.same(await Promise.all(tokens.map(async (token) => (await auth.getUserFromSessionId(token))?.id ?? null)), [null, bob.id, null]);
  t.equal((await auth.getUserFromSessionId(amys))?.id, amy.id);
  t.equal(await auth.endOtherSessions(bob.id, tokens[1]!), 0, 'nothing left to end');
});

t.test('destroySession ends the session of the token given, only if it is that user\'s; without one, all of them', async (t) => {
  const { auth, bob, amy } = await withBobAndAmy(t);
  const first = (await auth.createSession('bob@example.com'))!;
  const second = (await auth.createSession('bob@example.com'))!;
  const amys = (await auth.createSession('amy@example.com'))!;
  await auth.destroySession(bob.id, amys);
  t.equal((await auth.getUserFromSessionId(amys))?.id, amy.id, 'amy\'s token does not end amy\'s session through bob');
  await auth.destroySession(bob.id, 'not-a-token');
  await auth.destroySession(bob.id, first);
  t.equal(await auth.getUserFromSessionId(first), null, 'that session ended');
  t.equal((await auth.getUserFromSessionId(second))?.id, bob.id, 'the other goes on');
  await auth.createSession('bob@example.com');
  await auth.destroySession(bob.id, null);
  t.same(await auth.listSessions(bob.id), [], 'without a token, every session of the user ends');
  t.equal((await auth.getUserFromSessionId(amys))?.id, amy.id, 'amy\'s too goes on');
});

t.test('each session expires on its own, and an expired row is deleted on use and at the next login', async (t) => {
  const time = fakeClock();
  const { db, auth, bob } = await withBobAndAmy(t, { clock: time.clock, sessionIdleTimeout: 600, sessionAbsoluteTimeout: 3600 });
  const idle = (await auth.createSession('bob@example.com'))!;
  const busy = (await auth.createSession('bob@example.com'))!;
  for (let minute = 0; minute < 10; minute++) {
    time.advance(MINUTE);
    t.equal((await auth.getUserFromSessionId(busy))?.id, bob.id);
  }
  t.equal(await auth.getUserFromSessionId(idle), null, 'the unused one ended after 10 minutes');
  t.equal(await sessionRows(db), 1, 'and its row is gone');
  for (let minute = 10; minute < 55; minute += 5) {
    time.advance(5 * MINUTE);
    t.equal((await auth.getUserFromSessionId(busy))?.id, bob.id, `busy at minute ${minute + 5}`);
  }
  time.advance(5 * MINUTE);
  t.same(await auth.listSessions(bob.id), [], 'the busy one ends at its absolute limit, and the list deletes it');
  t.equal(await sessionRows(db), 0);

  const forgotten = (await auth.createSession('bob@example.com'))!;
  time.advance(11 * MINUTE);
  await auth.createSession('bob@example.com');
  t.equal(await sessionRows(db), 1, 'a login deletes the user\'s expired sessions');
  t.equal(await auth.getUserFromSessionId(forgotten), null);
});

t.test('a user holds at most maxSessions live sessions: a new one ends the oldest', async (t) => {
  const time = fakeClock();
  const { auth, bob } = await withBobAndAmy(t, { clock: time.clock, maxSessions: 3 });
  const tokens = [];
  for (let i = 0; i < 4; i++) {
    tokens.push((await auth.createSession('bob@example.com'))!);
    time.advance(1000);
  }
  t.same(await Promise.all(tokens.map(async (token) => (await auth.getUserFromSessionId(token)) !== null)), [false, true, true, true], 'the oldest went');
  t.equal((await auth.listSessions(bob.id)).length, 3);
  t.equal(DEFAULT_MAX_SESSIONS, 20, 'by default, 20');
  const db = await testDB(t);
  for (const maxSessions of [0, -1, 1.5, '3']) {
    t.throws(() => new Auth(db, { maxSessions: maxSessions as number }), { code: 'ERR_INVALID_ARGUMENT', message: /maxSessions must be a whole number, at least 1/ });
  }
});

t.test('the default cap is 20', async (t) => {
  const { auth, bob } = await withBobAndAmy(t);
  const first = (await auth.createSession('bob@example.com'))!;
  for (let i = 0; i < 19; i++) await auth.createSession('bob@example.com');
  t.ok(await auth.getUserFromSessionId(first), 'twenty sessions: the first still works');
  await auth.createSession('bob@example.com');
  t.equal(await auth.getUserFromSessionId(first), null, 'the twenty-first ends it');
  t.equal((await auth.listSessions(bob.id)).length, 20);
});

t.test('20 logins at once get 20 distinct sessions, each working', async (t) => {
  const { auth, bob } = await withBobAndAmy(t);
  const tokens = await Promise.all(Array.from({ length: 20 }, () => auth.createSession('bob@example.com')));
  t.equal(new Set(tokens).size, 20);
  const users = await Promise.all(tokens.map((token) => auth.getUserFromSessionId(token)));
  t.same(users.map((user) => user?.id), Array.from({ length: 20 }, () => bob.id));
  t.equal(new Set((await auth.listSessions(bob.id)).map((session) => session.id)).size, 20);
});

t.test('a reset ends every session of the user; a password change too (the app then gives the client a new one)', async (t) => {
  const { auth, bob, amy } = await withBobAndAmy(t);
  const one = (await auth.createSession('bob@example.com'))!;
  const two = (await auth.createSession('bob@example.com'))!;
  const amys = (await auth.createSession('amy@example.com'))!;
  await auth.updatePassword(await auth.getResetPasswordToken('bob@example.com'), 'NewPwdOfBob');
  t.same([await auth.getUserFromSessionId(one), await auth.getUserFromSessionId(two)], [null, null], 'both of bob\'s sessions ended');
  t.equal((await auth.getUserFromSessionId(amys))?.id, amy.id, 'amy\'s did not');

  const three = (await auth.createSession('bob@example.com'))!;
  await auth.changePassword('bob@example.com', 'NewPwdOfBob', 'NewerPwdOfBob');
  t.equal(await auth.getUserFromSessionId(three), null, 'a change ends them too');
  t.same(await auth.listSessions(bob.id), []);
});

t.test('an unknown or bad user id in destroySession is refused as before', async (t) => {
  const { auth, amy } = await withBobAndAmy(t);
  await t.rejects(auth.destroySession(amy.id + 1), { code: 'ERR_NO_RESULT_FOUND' });
  await t.rejects(auth.destroySession(0), { code: 'ERR_INVALID_ARGUMENT', message: /id must be a positive integer/ });
});

t.test('a session of the old schema (users.session_id) keeps working after migration 0004', async (t) => {
  const db = await testDB(t);
  const time = fakeClock(Date.now());
  t.equal(await migrateDownOne(db.knex), '0005_sign_up_confirmation', 'the later migration (task 33) first');
  t.equal(await migrateDownOne(db.knex), '0004_sessions', 'on the 0003 schema');
  const token = '5f0d7f0e-2c4b-4b8e-9a1d-6e3c2b1a0f9d';
  // What tasks 10, 22 and 23 stored at login: the digest, and the session's times.
  const [bob] = (await db.knex('users')
    .insert({ email: 'bob@example.com', canonical_email: 'bob@example.com', hashed_password: 'x', session_id: hashToken(token), session_created_at: time.clock(), session_seen_at: time.clock() })
    .returning('id')) as { id: number }[];
  await migrateToLatest(db.knex);
  const auth = new Auth(db, { bcryptCost: 4, clock: time.clock });
  t.equal((await auth.getUserFromSessionId(token))?.id, bob!.id, 'the cookie of before the upgrade still opens the session');
  t.match(await auth.listSessions(bob!.id, token), [{ current: true, device: { userAgent: null, address: null } }]);
});
