import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { Auth, InvalidResetTokenError } from '@hallpass/auth';
import { withConnection, type DB } from '@hallpass/db';
import { testDB } from '@hallpass/db/testing';

/**
 * Runs `uses` while the user's row is locked, on PostgreSQL. There the
 * uses of a token really run at once, and whether two of them read it before either
 * writes would be a matter of timing: with the row locked, each read goes through
 * and each write waits for the lock, so every use starts before any can finish.
 * The lock is let go once every use has ended or waits for it (or as many wait as the
 * pool has connections for): an event, not a length of time, so a busy machine cannot
 * let it go early.
 * (PGlite serves one statement at a time; the uses interleave between statements.)
 */
async function withRowHeld<T>(db: DB, userId: number, uses: () => Array<Promise<T>>): Promise<Array<PromiseSettledResult<T>>> {
  if (db.backend !== 'postgres') return Promise.allSettled(uses());
  const { rows } = await db.knex.raw<{ rows: { name: string }[] }>('select current_database() as name');
  const database = rows[0]!.name;
  const poolMax = (db.knex.client as { pool?: { max?: number } }).pool?.max ?? 10;
  let release = (): void => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = (): void => {};
  const locked = new Promise<void>((resolve) => (held = resolve));
  const holder = db.knex.transaction(async (trx) => {
    await trx('users').where('id', userId).forUpdate().select('id');
    held();
    await released;
  });
  await Promise.race([locked, holder]);
  const started = uses();
  let ended = 0;
  for (const use of started) void use.then(() => ended++, () => ended++);
  const running = Promise.allSettled(started);
  // watched on a connection of its own: the pool's are the holder's and the waiting uses'
  await withConnection({ connection: process.env.DATABASE_URL }, async (admin) => {
    const waiting = async (): Promise<number> => {
      const result = await admin.raw<{ rows: { n: number }[] }>("select count(*)::int as n from pg_stat_activity where datname = ? and wait_event_type = 'Lock'", [database]);
      return result.rows[0]!.n;
    };
    for (let n = await waiting(); ended + n < started.length && n < poolMax - 1; n = await waiting()) await sleep(10);
  });
  release();
  await holder;
  return running;
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
  await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  const token = await auth.getResetPasswordToken('bob@example.com');
  now += 60 * 1000;
  await t.rejects(auth.updatePassword(token, 'Attacker'), InvalidResetTokenError, 'a token at the end of its lifetime is refused');
  t.equal(await auth.validLogin('bob@example.com', 'MyPwdOfBob'), true, 'the password is unchanged');
});
