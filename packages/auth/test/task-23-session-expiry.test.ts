import t from 'tap';
import { Auth, InvalidResetTokenError, isResetTokenExpired, isSessionExpired } from '@hallpass/auth';
import { testDB } from '@hallpass/db/testing';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

/** A clock the test moves by hand: `advance(ms)` and the next reading is that much later. */
function fakeClock(start = Date.parse('2026-01-05T09:00:00Z')) {
  let now = start;
  return {
    clock: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

t.test('by default a session ends after 30 minutes without use', async (t) => {
  const db = await testDB(t);
  const time = fakeClock();
  const auth = new Auth(db, { bcryptCost: 4, clock: time.clock });
  const bob = await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  const sessionId = await auth.createSession('bob@example.com');
  time.advance(29 * MINUTE);
  t.equal((await auth.getUserFromSessionId(sessionId))?.id, bob.id, 'used after 29 minutes: still open');
  time.advance(29 * MINUTE);
  t.equal((await auth.getUserFromSessionId(sessionId))?.id, bob.id, 'each use restarts the idle limit');
  time.advance(30 * MINUTE);
  t.equal(await auth.getUserFromSessionId(sessionId), null, '30 minutes unused: the session has ended');
  time.advance(MINUTE);
  t.equal(await auth.getUserFromSessionId(sessionId), null, 'and stays ended');
  const next = await auth.createSession('bob@example.com');
  t.equal((await auth.getUserFromSessionId(next))?.id, bob.id, 'logging in again opens a new session');
});

t.test('by default a session ends 12 hours after it began, however busy', async (t) => {
  const db = await testDB(t);
  const time = fakeClock();
  const auth = new Auth(db, { bcryptCost: 4, clock: time.clock });
  const bob = await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  const sessionId = await auth.createSession('bob@example.com');
  for (let elapsed = 20 * MINUTE; elapsed < 12 * HOUR; elapsed += 20 * MINUTE) {
    time.advance(20 * MINUTE);
    const user = await auth.getUserFromSessionId(sessionId);
    if (user?.id !== bob.id) {
      t.fail(`used every 20 minutes, the session ended after ${elapsed / MINUTE} minutes`);
      return;
    }
  }
  time.advance(20 * MINUTE);
  t.equal(await auth.getUserFromSessionId(sessionId), null, 'after 12 hours the session has ended');
  const next = await auth.createSession('bob@example.com');
  t.equal((await auth.getUserFromSessionId(next))?.id, bob.id, 'logging in again opens a new session: its limits count from its own login');
});

t.test('the limits are options, in seconds', async (t) => {
  const db = await testDB(t);
  const time = fakeClock();
  const auth = new Auth(db, { bcryptCost: 4, clock: time.clock, sessionIdleTimeout: 60, sessionAbsoluteTimeout: 150, resetTokenLifetime: 30 });
  const bob = await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  const sessionId = await auth.createSession('bob@example.com');
  time.advance(59 * 1000);
  t.equal((await auth.getUserFromSessionId(sessionId))?.id, bob.id, 'idle 59 s of 60: open');
  time.advance(60 * 1000);
  t.equal(await auth.getUserFromSessionId(sessionId), null, 'idle 60 s: ended');

  const busy = await auth.createSession('bob@example.com');
  for (const step of [50, 50, 49]) {
    time.advance(step * 1000);
    t.equal((await auth.getUserFromSessionId(busy))?.id, bob.id, 'open before the absolute limit');
  }
  time.advance(1000);
  t.equal(await auth.getUserFromSessionId(busy), null, '150 s after it began: ended');

  const token = await auth.getResetPasswordToken('bob@example.com');
  time.advance(30 * 1000);
  await t.rejects(auth.updatePassword(token, 'NewPwdOfBob'), InvalidResetTokenError, 'a reset token 30 s old, with a 30 s lifetime, is refused');
  const fresh = await auth.getResetPasswordToken('bob@example.com');
  time.advance(29 * 1000);
  await auth.updatePassword(fresh, 'NewPwdOfBob');
  t.equal(await auth.validLogin('bob@example.com', 'NewPwdOfBob'), true, 'a token 29 s old works');
});

t.test('by default a reset token works for 15 minutes', async (t) => {
  const db = await testDB(t);
  const time = fakeClock();
  const auth = new Auth(db, { bcryptCost: 4, clock: time.clock });
  await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  const old = await auth.getResetPasswordToken('bob@example.com');
  time.advance(15 * MINUTE);
  await t.rejects(auth.updatePassword(old, 'Attacker'), InvalidResetTokenError, 'after 15 minutes: refused');
  t.equal(await auth.validLogin('bob@example.com', 'MyPwdOfBob'), true, 'the password is unchanged');
  const token = await auth.getResetPasswordToken('bob@example.com');
  time.advance(14 * MINUTE);
  await auth.updatePassword(token, 'NewPwdOfBob');
  t.equal(await auth.validLogin('bob@example.com', 'NewPwdOfBob'), true, 'after 14 minutes: it works');
});

t.test('isSessionExpired and isResetTokenExpired state the rules', async (t) => {
  const start = new Date('2026-01-05T09:00:00Z');
  const at = (ms: number) => new Date(start.getTime() + ms);
  const limits = { idle: 60, absolute: 600 };
  t.equal(isSessionExpired({ sessionCreatedAt: start, sessionSeenAt: start }, at(59_999), limits), false, 'idle just under the limit');
  t.equal(isSessionExpired({ sessionCreatedAt: start, sessionSeenAt: start }, at(60_000), limits), true, 'idle at the limit');
  t.equal(isSessionExpired({ sessionCreatedAt: start, sessionSeenAt: at(590_000) }, at(599_999), limits), false, 'busy, under the absolute limit');
  t.equal(isSessionExpired({ sessionCreatedAt: start, sessionSeenAt: at(590_000) }, at(600_000), limits), true, 'busy, at the absolute limit');
  t.equal(isSessionExpired({ sessionCreatedAt: null, sessionSeenAt: start }, start, limits), true, 'a session without its start is over');
  t.equal(isSessionExpired({ sessionCreatedAt: start, sessionSeenAt: null }, start, limits), true, 'a session without its last use is over');
  t.equal(isSessionExpired({ sessionCreatedAt: null, sessionSeenAt: null }, start, limits), true, 'a session without either time is over');
  t.equal(isResetTokenExpired({ resetCreatedAt: start }, at(29_999), 30), false, 'a token under its lifetime');
  t.equal(isResetTokenExpired({ resetCreatedAt: start }, at(30_000), 30), true, 'a token at its lifetime');
  t.equal(isResetTokenExpired({ resetCreatedAt: null }, start, 30), true, 'a token without its time is over');
});
