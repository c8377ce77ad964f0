import { createHash } from 'node:crypto';
import t from 'tap';
import { Auth, InvalidResetTokenError, hashToken, isWellFormedToken } from '@hallpass/auth';
import type { DB } from '@hallpass/auth';
import { testDB } from '@hallpass/db/testing';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Every value of every row of `users`, as one string: what a stolen copy of the table holds. */
async function tableDump(db: DB): Promise<string> {
  // From task 32 on, sessions have a table of their own: it is dumped too.
  return JSON.stringify([await db.knex('users').select('*'), await db.knex('sessions').select('*')]);
}

/** Counts the queries `db` sends while `fn` runs. */
async function countQueries(db: DB, fn: () => Promise<unknown>): Promise<number> {
  let count = 0;
  const listener = (): void => {
    count += 1;
  };
  db.knex.on('query', listener);
  try {
    await fn();
  } finally {
    db.knex.off('query', listener);
  }
  return count;
}

t.test('hashToken is the SHA-256 digest in hex; isWellFormedToken accepts only lower-case UUID v4', async (t) => {
  t.equal(hashToken('a5e3ac3c-7c47-4c8f-8e6e-3f3b2e0d1c11'), sha256('a5e3ac3c-7c47-4c8f-8e6e-3f3b2e0d1c11'));
  t.equal(hashToken('x'), '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881');
  t.match(hashToken('x'), /^[0-9a-f]{64}$/);
  // Characters outside ASCII: their UTF-8 bytes are hashed (latin1 or UTF-16 bytes give another digest).
  t.equal(hashToken('jeton-é-€'), sha256('jeton-é-€'), 'the digest of the UTF-8 bytes');
  const good = ['a5e3ac3c-7c47-4c8f-8e6e-3f3b2e0d1c11', '00000000-0000-4000-9000-000000000000', 'ffffffff-ffff-4fff-bfff-ffffffffffff', 'a5e3ac3c-7c47-4c8f-ae6e-3f3b2e0d1c11'];
  for (const value of good) t.equal(isWellFormedToken(value), true, `a token: ${value}`);
  const bad = [
    '',
    'abc',
    'A5E3AC3C-7C47-4C8F-8E6E-3F3B2E0D1C11',
    'a5e3ac3c-7c47-4C8F-8e6e-3f3b2e0d1c11',
    'a5e3ac3c-7c47-1c8f-8e6e-3f3b2e0d1c11',
    'a5e3ac3c-7c47-4c8f-ce6e-3f3b2e0d1c11',
    'a5e3ac3c-7c47-4c8f-7e6e-3f3b2e0d1c11',
    ' a5e3ac3c-7c47-4c8f-8e6e-3f3b2e0d1c11',
    'a5e3ac3c-7c47-4c8f-8e6e-3f3b2e0d1c11 ',
    'a5e3ac3c-7c47-4c8f-8e6e-3f3b2e0d1c11a',
    '{a5e3ac3c-7c47-4c8f-8e6e-3f3b2e0d1c11}',
    'a5e3ac3c7c474c8f8e6e3f3b2e0d1c11',
    sha256('x'),
    42,
    null,
  ];
  const reasons = ['empty', 'too short', 'upper case', 'one group in upper case', 'version 1', 'variant c', 'variant 7', 'a space before', 'a space after', 'a character after', 'braces', 'no hyphens', 'a digest', 'a number', 'null'];
  for (const [index, value] of bad.entries()) t.equal(isWellFormedToken(value), false, `not a token (${reasons[index]}): ${JSON.stringify(value)}`);
});

t.test('a session id is stored only as its SHA-256 digest, and still works', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const bob = await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  const sessionId = await auth.createSession('bob@example.com');
  t.ok(sessionId !== null && isWellFormedToken(sessionId), 'the client gets a UUID v4');
  const dump = await tableDump(db);
  t.notOk(dump.includes(sessionId!), 'the session id appears nowhere in the table');
  t.ok(dump.includes(sha256(sessionId!)), 'its SHA-256 digest (hex) is stored');
  t.equal((await auth.getUserFromSessionId(sessionId))?.id, bob.id, 'the session id finds bob');
  t.equal(await auth.getUserFromSessionId(sha256(sessionId!)), null, 'the digest from a stolen table opens no session');
});

t.test('a reset token is stored only as its SHA-256 digest, and still works once', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  const token = await auth.getResetPasswordToken('bob@example.com');
  t.ok(isWellFormedToken(token), 'the client gets a UUID v4');
  const dump = await tableDump(db);
  t.notOk(dump.includes(token), 'the token appears nowhere in the table');
  t.ok(dump.includes(sha256(token)), 'its SHA-256 digest (hex) is stored');
  await t.rejects(auth.updatePassword(sha256(token), 'Attacker'), InvalidResetTokenError, 'the digest from a stolen table resets nothing');
  await auth.updatePassword(token, 'NewPwdOfBob');
  t.equal(await auth.validLogin('bob@example.com', 'NewPwdOfBob'), true, 'the token itself works');
  await t.rejects(auth.updatePassword(token, 'Attacker'), InvalidResetTokenError, 'once: a used token resets nothing');
  t.notOk((await tableDump(db)).includes(sha256(token)), 'the used token\'s digest is no longer stored');
  t.equal(await auth.validLogin('bob@example.com', 'NewPwdOfBob'), true, 'the password set with the token stays');
});

t.test('a value that is not a well-formed token is refused before any query', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  const sessionId = (await auth.createSession('bob@example.com'))!;
  await auth.getResetPasswordToken('bob@example.com');
  const malformed = ['nope', "' OR 1=1 --", sessionId.toUpperCase(), `${sessionId} `, sha256(sessionId), 'x'.repeat(300)];
  for (const value of malformed) {
    const label = JSON.stringify(value.slice(0, 40));
    t.equal(await countQueries(db, async () => t.equal(await auth.getUserFromSessionId(value), null, `session ${label}: nobody`)), 0, `session ${label}: no query`);
    t.equal(
      await countQueries(db, () => t.rejects(auth.updatePassword(value, 'Attacker'), InvalidResetTokenError, `reset ${label}: InvalidResetTokenError`)),
      0,
      `reset ${label}: no query`,
    );
  }
  t.equal(await auth.validLogin('bob@example.com', 'MyPwdOfBob'), true, 'the password is unchanged');
});
