/**
 * Races through real parallel HTTP requests against a listening server: sign-ups
 * of one email and uses of one reset token that arrive at the same instant. Runs
 * on PostgreSQL when DATABASE_URL is set, on the embedded database otherwise.
 */
import t, { type Test } from 'tap';
import { buildApp } from '@hallpass/app';
import { bcryptHashCount } from '@hallpass/auth';
import type { DB } from '@hallpass/db';
import { testDB } from '@hallpass/db/testing';

/** A listening service on a port of its own and a database of the test's own, closed at teardown. */
async function listeningService(t: Test): Promise<{ base: string; db: DB }> {
  const db = await testDB(t);
  // Every request here comes from 127.0.0.1 and names one account: the per-address and per-account limits (e.g. 10 failed
  // reset-token uses per account) would answer 429 to a race that is not what this file tests, so they are raised far above it.
  const rateLimits = { loginFailuresPerAccountAddress: 1_000, loginFailuresPerAccount: 1_000, loginFailuresPerAddress: 1_000, resetRequestsPerAccount: 1_000, resetRequestsPerAddress: 1_000, signUpsPerAddress: 1_000 };
  const app = await buildApp({ db, bcryptCost: 4, security: { rateLimits } });
  t.teardown(() => app.close());
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return { base, db };
}

/** Sends `fields` form-encoded and resolves with the status and the parsed JSON body. */
async function post(base: string, method: 'POST' | 'PUT', path: string, fields: Record<string, string>) {
  const response = await fetch(`${base}${path}`, { method, body: new URLSearchParams(fields) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** `racer@example.com` with the letters of `racer` upper-cased after the bits of `n`: 32 different spellings of one address. */
function spelling(n: number): string {
  return [...'racer'].map((letter, bit) => ((n >> bit) & 1 ? letter.toUpperCase() : letter)).join('') + '@example.com';
}

t.test('30 sign-ups of one new email at once, in different letter cases: exactly one account, and one bcrypt hash', async (t) => {
  const { base, db } = await listeningService(t);
  const emails = Array.from({ length: 30 }, (_, n) => spelling(n));
  const hashesBefore = bcryptHashCount();
  const answers = await Promise.all(emails.map((email) => post(base, 'POST', '/users', { email, password: 'b4l0u' })));

  const winners = answers.flatMap((answer, n) => (answer.status === 200 ? [emails[n]] : []));
  t.equal(winners.length, 1, `exactly one sign-up is a 200, got ${winners.length}: ${winners.join(', ')}`);
  answers.forEach((answer, n) => {
    if (answer.status === 200) return;
    t.equal(answer.status, 400, `${emails[n]}: the losers get 400 (never a 5xx), got ${answer.status} ${JSON.stringify(answer.body)}`);
    t.same(answer.body, { message: 'email already registered' }, `${emails[n]}: the body is {"message":"email already registered"}`);
  });
  const rows = await db.knex('users').where('canonical_email', 'racer@example.com').select('email');
  t.same(rows, [{ email: winners[0] }], 'one row, holding the address as the winning sign-up sent it');
  t.equal(bcryptHashCount() - hashesBefore, 1, 'one hash in all: the 29 others waited for the sign-up in flight, then found the address taken');
  const again = bcryptHashCount();
  t.equal((await post(base, 'POST', '/users', { email: 'RACER@example.com', password: 'b4l0u' })).status, 400, 'a later sign-up for the address');
  t.equal(bcryptHashCount(), again, 'costs no hash either');
});

t.test('10 uses of one reset token at once: exactly one 200, and its password is the one that works', async (t) => {
  const { base } = await listeningService(t);
  const email = 'token@example.com';
  t.equal((await post(base, 'POST', '/users', { email, password: 'b4l0u' })).status, 200, 'sign-up');
  const token = (await post(base, 'POST', '/reset_password', { email })).body.reset_token;
  if (typeof token !== 'string') throw new Error(`POST /reset_password gave no token: ${JSON.stringify(token)}`);
  const passwords = Array.from({ length: 10 }, (_, n) => `n3w-p4ss-${n}`);
  const answers = await Promise.all(passwords.map((password) => post(base, 'PUT', '/reset_password', { email, reset_token: token, new_password: password })));

  const winners = passwords.filter((_, n) => answers[n]?.status === 200);
  t.equal(winners.length, 1, `exactly one use is a 200, got ${winners.length}`);
  answers.forEach((answer, n) => {
    if (answer.status !== 200) t.equal(answer.status, 403, `use ${n}: the others get 403, got ${answer.status} ${JSON.stringify(answer.body)}`);
  });
  for (const [n, password] of passwords.entries()) {
    const expected = password === winners[0] ? 200 : 401;
    const login = await post(base, 'POST', '/sessions', { email, password });
    t.equal(login.status, expected, `log-in with use ${n}'s password: ${expected}, got ${login.status}`);
  }
  t.equal((await post(base, 'POST', '/sessions', { email, password: 'b4l0u' })).status, 401, 'the old password no longer works');
});
