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

t.test('updateUserIf writes only while its condition holds, in one statement', async (t) => {
  const db = await testDB(t);
  const id = await withToken(db);
  const ended = { sessionId: null, resetToken: null, resetCreatedAt: null };
  t.equal(await db.updateUserIf(id, { hashedPassword: 'another-hash' }, { hashedPassword: 'h2', ...ended }), false, 'the condition does not hold: nothing written');
  t.match(await db.findUserBy({ id }), { hashedPassword: 'old-hash', resetToken: 'digest-1' }, 'the row is as it was');
  t.equal(await db.updateUserIf(id, { hashedPassword: 'old-hash', sessionId: 'session-digest' }, { hashedPassword: 'h2', ...ended }), true, 'it holds: written');
  t.match(await db.findUserBy({ id }), { hashedPassword: 'h2', resetToken: null, resetCreatedAt: null });
  t.equal(await db.updateUserIf(id, { hashedPassword: 'old-hash' }, { hashedPassword: 'h3' }), false, 'the old value no longer matches');
  t.equal(await db.updateUserIf(id, { sessionId: 'session-digest' }, { hashedPassword: 'h3' }), false, 'nor does the ended session');
  t.equal(await db.updateUserIf(9999, { hashedPassword: 'h2' }, { hashedPassword: 'h3' }), false, 'no such user');

  // Five changes at once from the same state: the database lets exactly one through.
  const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((hash) => db.updateUserIf(id, { hashedPassword: 'h2', sessionId: null }, { hashedPassword: hash })));
  t.equal(results.filter(Boolean).length, 1, 'one of five concurrent changes is written (null matches an empty column)');
  const winner = ['a', 'b', 'c', 'd', 'e'][results.indexOf(true)];
  t.equal((await db.findUserBy({ id })).hashedPassword, winner, 'and it is the one stored');

  await db.updateUserIf(id, { id }, { email: 'Robert@Example.com' });
  t.equal((await db.findUserBy({ id })).canonicalEmail, 'robert@example.com', 'the canonical email follows the email');
  const amy = await db.addUser('amy@example.com', 'hash');
  await t.rejects(db.updateUserIf(amy.id, { id: amy.id }, { email: 'ROBERT@example.com' }), { code: 'ERR_EMAIL_TAKEN' }, 'an address another account has');
  await db.updateUser(id, { sessionId: 'taken-digest' });
  await t.rejects(db.updateUserIf(amy.id, { id: amy.id }, { sessionId: 'taken-digest', hashedPassword: 'h' }), /users_session_id_key/, 'another unique index refuses as it is');
  t.equal((await db.findUserBy({ id: amy.id })).hashedPassword, 'hash', 'a refused change writes nothing');
});

t.test('updateUserIf refuses bad arguments with typed errors', async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser('bob@example.com', 'hash');
  const bad: [string, unknown, unknown, unknown, string, RegExp][] = [
    ['an id that is not a positive integer', 0, { hashedPassword: 'hash' }, { hashedPassword: 'h' }, 'ERR_INVALID_ARGUMENT', /id must be a positive integer/],
    ['no id at all', undefined, { hashedPassword: 'hash' }, { hashedPassword: 'h' }, 'ERR_INVALID_ARGUMENT', /id must be a positive integer, got undefined/],
    ['a condition that is not an object', bob.id, 'hash', { hashedPassword: 'h' }, 'ERR_INVALID_ARGUMENT', /the condition must be an object of User properties, got a string/],
    ['an empty condition', bob.id, {}, { hashedPassword: 'h' }, 'ERR_INVALID_ARGUMENT', /at least one property in its condition/],
    ['a condition on no property', bob.id, { nickname: 'bob' }, { hashedPassword: 'h' }, 'ERR_INVALID_ARGUMENT', /"nickname" is not a User property/],
    ['a condition value of the wrong type', bob.id, { hashedPassword: 42 }, { hashedPassword: 'h' }, 'ERR_INVALID_ARGUMENT', /hashedPassword must be a non-empty string/],
    ['changes that are an array', bob.id, { id: bob.id }, [], 'ERR_INVALID_ATTRIBUTE', /the changes must be an object of User properties, got an array/],
    ['no change', bob.id, { id: bob.id }, {}, 'ERR_INVALID_ATTRIBUTE', /at least one change/],
    ['a change of id', bob.id, { id: bob.id }, { id: 7 }, 'ERR_INVALID_ATTRIBUTE', /id cannot be changed/],
    ['a change to an invalid date', bob.id, { id: bob.id }, { sessionSeenAt: 'soon' }, 'ERR_INVALID_ATTRIBUTE', /sessionSeenAt must be a valid Date or null/],
  ];
  for (const [what, id, condition, changes, code, message] of bad) {
    await t.rejects(db.updateUserIf(id as number, condition as never, changes as never), { code, message }, what);
  }
  t.equal((await db.findUserBy({ id: bob.id })).hashedPassword, 'hash', 'nothing was written');
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
  // Special characters are found in the canonical form: a full-width one is refused like the plain one.
  t.throws(() => canonicalEmail('bob smith@example.com'), { constructor: InvalidEmailError, message: /white space or any of .*, got " "/ });
  t.throws(() => canonicalEmail('bob\uff1c@example.com'), { constructor: InvalidEmailError, message: /got "<"/ });
  for (const email of ['bob.example.com', '@example.com', 'bob@', 'bob@a@example.com', 'bob\uff20a@example.com']) {
    t.throws(() => canonicalEmail(email), { constructor: InvalidEmailError, message: 'email must have exactly one @ with text on both sides' }, email);
  }
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
