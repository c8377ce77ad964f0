import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { Auth, InvalidResetTokenError } from '@hallpass/auth';
import type { DB } from '@hallpass/db';
import { testDB } from '@hallpass/db/testing';

/**
 * Starts the `uses` while the user's row is locked, on PostgreSQL, and gives how each
 * ended. There the uses of a token really run at once, and whether two of them read
 * it before either writes would be a matter of timing: with the row locked, each read
 * goes through and each write waits for the lock. The lock is let go once no use can
 * move on: each one waits for the lock (as the database reports), waits for a
 * connection of the pool, or has ended. Every use has then started before any can
 * write. (PGlite serves one statement at a time; the uses interleave between statements.)
 */
async function withRowHeld<T>(db: DB, userId: number, uses: () => Array<Promise<T>>): Promise<Array<PromiseSettledResult<T>>> {
  if (db.backend !== 'postgres') return Promise.allSettled(uses());
  let outcomes: Promise<Array<PromiseSettledResult<T>>> = Promise.resolve([]);
  await db.knex.transaction(async (trx) => {
    await trx('users').where('id', userId).forUpdate().select('id');
    let ended = 0;
    const running = uses().map((use) => use.finally(() => (ended += 1)));
    outcomes = Promise.allSettled(running);
    const pool = (db.knex.client as { pool: { numPendingAcquires(): number } }).pool;
    for (;;) {
      // Asked on the holder's own connection, with a fresh snapshot of the activity each time.
      await trx.raw('select pg_stat_clear_snapshot()');
      const { rows } = (await trx.raw(
        "select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
      )) as { rows: Array<{ waiting: number }> };
      if (rows[0]!.waiting + pool.numPendingAcquires() + ended >= running.length) break;
      await sleep(10);
    }
    // The transaction ends here, and the lock with it.
  });
  return outcomes;
}

t.test('10 concurrent uses of one reset token: exactly one succeeds', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const bob = await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  const token = await auth.getResetPasswordToken('bob@example.com');
  const passwords = Array.from({ length: 10 }, (_, i) => `Attempt${i}`);
  const results = await withRowHeld(db, bob.id, () => passwords.map((password) => auth.updatePassword(token, password)));
  const won = passwords.filter((_, i) => results[i]!.status === 'fulfilled');
  t.equal(won.length, 1, `exactly one use succeeds (succeeded: ${won.join(', ')})`);
  for (const [i, result] of results.entries()) {
    if (result.status === 'rejected') t.ok(result.reason instanceof InvalidResetTokenError, `use ${i} is refused with InvalidResetTokenError`);
  }
  for (const password of passwords) {
    t.equal(await auth.validLogin('bob@example.com', password), won.includes(password), `${password}: logs in only if its use succeeded`);
  }
});

t.test('changing the password ends the session', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const bob = await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  const amy = await auth.registerUser('amy@example.com', 'MyPwdOfAmy');
  const stolen = await auth.createSession('bob@example.com');
  const amys = await auth.createSession('amy@example.com');
  t.equal((await auth.getUserFromSessionId(stolen))?.id, bob.id, 'the session works before the reset');
  await auth.updatePassword(await auth.getResetPasswordToken('bob@example.com'), 'NewPwdOfBob');
  t.equal(await auth.getUserFromSessionId(stolen), null, 'after the reset, the old session opens nothing');
  const row = await db.findUserBy({ id: bob.id });
  t.same(
    { resetToken: row.resetToken, resetCreatedAt: row.resetCreatedAt, sessionId: row.sessionId, sessionCreatedAt: row.sessionCreatedAt, sessionSeenAt: row.sessionSeenAt },
    { resetToken: null, resetCreatedAt: null, sessionId: null, sessionCreatedAt: null, sessionSeenAt: null },
    'the one UPDATE cleared the token, its time, the session and its times',
  );
  t.equal((await auth.getUserFromSessionId(amys))?.id, amy.id, "other users' sessions are untouched");
  const fresh = await auth.createSession('bob@example.com');
  t.equal((await auth.getUserFromSessionId(fresh))?.id, bob.id, 'bob logs in again with a new session');
});

t.test('a refused use changes nothing: the session and the token stay', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const bob = await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  await auth.registerUser('eve@example.com', 'MyPwdOfEve');
  const session = await auth.createSession('bob@example.com');
  const token = await auth.getResetPasswordToken('bob@example.com');
  await t.rejects(auth.updatePassword(token, 'Attacker', { email: 'eve@example.com' }), InvalidResetTokenError, 'a token used with the wrong email is refused');
  t.equal((await auth.getUserFromSessionId(session))?.id, bob.id, "bob's session is still open");
  await auth.updatePassword(token, 'NewPwdOfBob', { email: 'bob@example.com' });
  t.equal(await auth.validLogin('bob@example.com', 'NewPwdOfBob'), true, 'the token still worked for bob');
});

t.test('the account is matched by its canonical email: any letter case, spaces around, either Unicode form', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await auth.registerUser('Zo\u00eb@Example.com', 'MyPwdOfZoe');
  const session = await auth.createSession('zo\u00eb@example.com');
  const token = await auth.getResetPasswordToken('zo\u00eb@example.com');
  await t.rejects(auth.updatePassword(token, 'Attacker', { email: 'zo\u200b\u00eb@example.com' }), InvalidResetTokenError, 'an address no account can have (a zero-width space) is refused the same way');
  t.not(await auth.getUserFromSessionId(session), null, 'that refusal changed nothing: the session is still open');
  // Upper case, surrounding spaces, and the decomposed form of ë (e followed by a combining diaeresis).
  await auth.updatePassword(token, 'NewPwdOfZoe', { email: '  ZOE\u0308@EXAMPLE.COM ' });
  t.equal(await auth.validLogin('zo\u00eb@example.com', 'NewPwdOfZoe'), true, 'the token worked for its account, spelled another way');
});

t.test('a new token supersedes the previous one', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  const first = await auth.getResetPasswordToken('bob@example.com');
  const second = await auth.getResetPasswordToken('bob@example.com');
  await t.rejects(auth.updatePassword(first, 'Attacker'), InvalidResetTokenError, 'the first token no longer works');
  await auth.updatePassword(second, 'NewPwdOfBob');
  t.equal(await auth.validLogin('bob@example.com', 'NewPwdOfBob'), true, 'the newest one does');
  await t.rejects(auth.updatePassword(second, 'Again'), InvalidResetTokenError, 'once');
});

t.test('the one UPDATE still refuses an expired token', async (t) => {
  const db = await testDB(t);
  let now = Date.parse('2026-01-05T09:00:00Z');
  const auth = new Auth(db, { bcryptCost: 4, clock: () => new Date(now), resetTokenLifetime: 60 });
  const bob = await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  const session = await auth.createSession('bob@example.com');
  const token = await auth.getResetPasswordToken('bob@example.com');
  now += 60 * 1000;
  await t.rejects(auth.updatePassword(token, 'Attacker'), InvalidResetTokenError, 'a token at the end of its lifetime is refused');
  t.equal(await auth.validLogin('bob@example.com', 'MyPwdOfBob'), true, 'the password is unchanged');
  t.equal((await auth.getUserFromSessionId(session))?.id, bob.id, 'the session is still open');
  const fresh = await auth.getResetPasswordToken('bob@example.com');
  now += 59 * 1000;
  await auth.updatePassword(fresh, 'NewPwdOfBob');
  t.equal(await auth.validLogin('bob@example.com', 'NewPwdOfBob'), true, 'a token 59 s old, with a 60 s lifetime, works');
});
