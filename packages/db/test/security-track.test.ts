/** The data layer's part of the security track, beyond what the task tests reach: argument checks and edge cases. */
import t from 'tap';
import { EmailTakenError, InvalidEmailError, InvalidRequestError, canonicalEmail, type DB } from '@hallpass/db';
import { testDB } from '@hallpass/db/testing';

const later = (ms: number): Date => new Date(Date.now() + ms);

async function withToken(db: DB): Promise<number> {
  const bob = await db.addUser('bob@example.com', 'old-hash');
  await db.updateUser(bob.id, { resetToken: 'digest-1', resetCreatedAt: new Date(), sessionId: 'session-digest', sessionCreatedAt: new Date(), sessionSeenAt: new Date() });
  return bob.id;
}

t.test('consumeResetToken spends a token once, for its account only, within its lifetime', async (t) => {
  const db = await testDB(t);
  const id = await withToken(db);
  t.equal(await db.consumeResetToken('digest-1', 'new-hash', { issuedAfter: later(-60_000), email: 'eve@example.com' }), null, 'another account: no');
  t.equal(await db.consumeResetToken('digest-1', 'new-hash', { issuedAfter: later(-60_000), email: 'bob\u200b@example.com' }), null, 'an address no account can have: no');
  t.equal(await db.consumeResetToken('digest-1', 'new-hash', { issuedAfter: later(60_000) }), null, 'issued before the cutoff: no');
  t.equal(await db.consumeResetToken('digest-1', 'new-hash', { issuedAfter: later(-60_000), email: 'BOB@example.com' }), id, 'its account, in time: yes');
  t.match(await db.findUserBy({ id }), { hashedPassword: 'new-hash', resetToken: null, resetCreatedAt: null, sessionId: null, sessionCreatedAt: null, sessionSeenAt: null });
  t.equal(await db.consumeResetToken('digest-1', 'newer-hash', { issuedAfter: later(-60_000) }), null, 'spent');
});

t.test('consumeResetToken refuses bad arguments with typed errors', async (t) => {
  const db = await testDB(t);
  await withToken(db);
  const bad: [string, unknown, unknown, unknown][] = [
    ['empty token', '', 'h', { issuedAfter: new Date() }],
    ['empty hash', 'digest-1', '', { issuedAfter: new Date() }],
    ['no cutoff', 'digest-1', 'h', {}],
    ['an invalid date', 'digest-1', 'h', { issuedAfter: new Date(Number.NaN) }],
    ['an email that is not a string', 'digest-1', 'h', { issuedAfter: new Date(), email: 42 }],
  ];
  for (const [what, token, hash, options] of bad) {
    await t.rejects(db.consumeResetToken(token as string, hash as string, options as never), { code: 'ERR_INVALID_ARGUMENT' }, what);
  }
  t.equal((await db.findUserBy({ email: 'bob@example.com' })).resetToken, 'digest-1', 'the token is untouched');
});

t.test('the new properties: timestamps take a Date or null; an address no account can have is a bad question', async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser('bob@example.com', 'hash');
  const when = new Date('2026-01-05T09:00:00Z');
  await db.updateUser(bob.id, { sessionSeenAt: when });
  t.same((await db.findUserBy({ id: bob.id })).sessionSeenAt, when, 'a Date goes in and comes out');
  await db.updateUser(bob.id, { sessionSeenAt: null });
  for (const value of ['2026-01-05', 0, new Date(Number.NaN)]) {
    await t.rejects(db.updateUser(bob.id, { sessionSeenAt: value as never }), { code: 'ERR_INVALID_ARGUMENT', message: /sessionSeenAt must be a valid Date or null/ }, String(value));
  }
  await t.rejects(db.findUserBy({ email: 'bob\u202e@example.com' }), InvalidRequestError);
  await t.rejects(db.findUserBy({ nickname: 'bob' } as never), { message: /expected one of id, email, hashedPassword, sessionId, resetToken, canonicalEmail/ });
  await t.rejects(db.updateUser(bob.id, { nickname: 'bob' } as never), { message: /expected one of email, hashedPassword/ });
  await t.rejects(db.addUser('amy\u200b@example.com', 'hash'), InvalidEmailError);
  // 'İ' lower-cases to two code units: 125 of them make a 130-character address 255 characters long.
  t.throws(() => canonicalEmail(`${'\u0130'.repeat(125)}@x.io`), { message: /at most 250 characters, got 255/ });
  await t.rejects(db.addUser('BOB@example.com', 'hash'), EmailTakenError);
  const amy = await db.addUser('amy@example.com', 'hash');
  await t.rejects(db.updateUser(amy.id, { email: 'BOB@example.com' }), EmailTakenError, 'updateUser cannot take a registered address');
  await db.updateUser(bob.id, { sessionId: 'same-digest' });
  await t.rejects(db.updateUser(amy.id, { sessionId: 'same-digest' }), /users_session_id_key/, 'another unique index refuses as it is');
  await db.updateUser(bob.id, { email: 'Bob@Example.com', canonicalEmail: 'ignored' });
  t.equal((await db.findUserBy({ email: 'bob@example.com' })).canonicalEmail, 'bob@example.com', 'the canonical email follows the email');
  // Changing an address to one another account has, up to case, is refused, and the account keeps its own.
  await t.rejects(db.updateUser(amy.id, { email: 'BOB@example.com' }), { code: 'ERR_EMAIL_TAKEN' });
  t.equal((await db.findUserBy({ id: amy.id })).email, 'amy@example.com', 'the refused change wrote nothing');
});
