import t from 'tap';
import { Auth, EmailTakenError, InvalidEmailError, UserExistsError, bcryptHashCount, canonicalEmail } from '@hallpass/auth';
import { testDB } from '@hallpass/db/testing';

/** How many accounts the table holds. */
async function accounts(db: { knex: (table: string) => { count: (c: string) => Promise<{ n: string | number }[]> } }): Promise<number> {
  const [row] = await db.knex('users').count('* as n');
  return Number(row?.n);
}

t.test('30 concurrent sign-ups of one email, in any letter case: exactly one account, and one bcrypt hash', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const spellings = ['race@example.com', 'Race@Example.com', 'RACE@EXAMPLE.COM', ' race@example.com ', '\uff52\uff41\uff43\uff45@example.com'];
  const hashesBefore = bcryptHashCount();
  const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => auth.registerUser(spellings[i % spellings.length]!, `Password${i}`)));
  const created = results.filter((r) => r.status === 'fulfilled');
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  t.equal(created.length, 1, 'exactly one sign-up succeeds');
  t.equal(refused.length, 29, 'the 29 others are refused');
  for (const [i, r] of refused.entries()) {
    t.ok(r.reason instanceof UserExistsError, `refusal ${i} is a UserExistsError (got ${String(r.reason)})`);
  }
  t.equal(await accounts(db), 1, 'the table holds one account');
  t.equal(bcryptHashCount() - hashesBefore, 1, 'one bcrypt hash in all: the 29 others waited for the first sign-up, then found the address taken');
});

t.test('a sign-up for an address already taken costs a look-up, never a hash', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const queries: string[] = [];
  const listener = (query: { sql: string }) => queries.push(query.sql);
  db.knex.on('query', listener);
  await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  t.equal(queries.length, 2, `a sign-up is a look-up, then an insert (got: ${queries.join(' | ')})`);
  t.match(queries[1], /^insert/i, 'the insert');
  queries.length = 0;
  const hashesBefore = bcryptHashCount();
  await t.rejects(auth.registerUser('BOB@example.com', 'Other'), { name: 'UserExistsError', code: 'ERR_USER_EXISTS', message: 'User BOB@example.com already exists' });
  t.equal(queries.length, 1, `a refused sign-up is one query, the look-up (got: ${queries.join(' | ')})`);
  t.match(queries[0], /^select/i);
  t.equal(bcryptHashCount(), hashesBefore, 'and no bcrypt hash');
  db.knex.off('query', listener);
});

t.test('two service instances sign one address up at once: the unique index decides', async (t) => {
  const db = await testDB(t);
  // Two Auth objects stand for two processes: neither knows what the other has in flight.
  const [first, second] = [new Auth(db, { bcryptCost: 4 }), new Auth(db, { bcryptCost: 4 })];
  const results = await Promise.allSettled([first.registerUser('twice@example.com', 'Password1'), second.registerUser('TWICE@example.com', 'Password2')]);
  t.same(results.map((r) => r.status).sort(), ['fulfilled', 'rejected'], 'one succeeds');
  const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  t.ok(refused?.reason instanceof UserExistsError, `the other is a UserExistsError, not the database's error (got ${String(refused?.reason)})`);
  t.equal(await accounts(db), 1);
});

t.test('a sign-up that fails lets the next one for the address try', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  // 248 characters once trimmed, 251 as given: addUser refuses it (the column holds 250), after the look-up and the hash.
  const local = 'n'.repeat(236);
  const [failed, next] = await Promise.allSettled([auth.registerUser(`  ${local}@example.com `, 'Password1'), auth.registerUser(`${local}@example.com`, 'Password1')]);
  t.match(failed, { status: 'rejected', reason: { code: 'ERR_INVALID_ARGUMENT' } }, 'the first sign-up fails at the insert');
  t.equal(next.status, 'fulfilled', 'the sign-up after it is not refused for the address');
});

t.test('the canonical email: Unicode NFKC, trimmed, lower case; the email is kept as given', async (t) => {
  t.equal(canonicalEmail('  Bob@Example.COM '), 'bob@example.com');
  t.equal(canonicalEmail('Jose\u0301@example.com'), 'jos\u00e9@example.com', 'e + combining accent becomes é');
  t.equal(canonicalEmail('J\u00c9R\u00d4ME@example.com'), 'j\u00e9r\u00f4me@example.com');
  t.equal(canonicalEmail('\uff22\uff4f\uff42@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.\uff43\uff4f\uff4d'), 'bob@example.com', 'full-width letters are the plain ones (NFKC)');
  t.equal(canonicalEmail('\u{1d401}\u{1d428}\u{1d41b}@example.com'), 'bob@example.com', 'mathematical bold 𝐁𝐨𝐛: NFKC first, then lower case');
  t.equal(canonicalEmail('\ufb01le@example.com'), 'file@example.com', 'the ligature ﬁ is f + i');

  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const jose = await auth.registerUser('Jos\u00e9@Example.com', 'MyPwdOfJose');
  t.equal(jose.email, 'Jos\u00e9@Example.com', 'the email is stored as given');
  await t.rejects(auth.registerUser('jose\u0301@example.com', 'Other'), UserExistsError, 'the decomposed spelling is the same address');
  t.equal(await auth.validLogin('JOSE\u0301@EXAMPLE.COM', 'MyPwdOfJose'), true, 'log in with any spelling');
  t.equal((await db.findUserBy({ email: ' jos\u00e9@example.com ' })).id, jose.id, 'findUserBy matches the canonical form');

  const bob = await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  await t.rejects(auth.registerUser('\uff42\uff4f\uff42@example.com', 'Attacker'), UserExistsError, 'ｂｏｂ@example.com is bob’s address: no second account');
  await t.rejects(auth.registerUser('\u{1d41b}\u{1d428}\u{1d41b}@example.com', 'Attacker'), UserExistsError, '𝐛𝐨𝐛@example.com neither');
  t.equal(await auth.validLogin('\uff42\uff4f\uff42@\uff25\uff38\uff21\uff2d\uff30\uff2c\uff25.com', 'MyPwdOfBob'), true, 'bob logs in with the full-width spelling');
  t.equal((await db.findUserBy({ email: '\uff42\uff4f\uff42@example.com' })).id, bob.id, 'and findUserBy finds him with it');
});

t.test('characters a mail header gives a meaning to are refused; others, even ones a URL must encode, are kept', async (t) => {
  const refused: [string, string][] = [
    ['a space', 'bob smith@example.com'],
    ['a no-break space', 'bob\u00a0smith@example.com'],
    ['an ideographic space', 'bob\u3000smith@example.com'],
    ['angle brackets', 'Bob <bob@example.com>'],
    ['full-width angle brackets (NFKC makes them < and >)', 'bob\uff1cx\uff1e@example.com'],
    ['a comma: a second address', 'bob@example.com,eve@example.net'],
    ['a semicolon', 'bob@example.com;eve@example.net'],
    ['a colon: a group', 'friends:eve@example.net'],
    ['a comment', 'bob(eve@example.net)@example.com'],
    ['double quotes', '"bob"@example.com'],
    ['a backslash', 'bob\\@example.com'],
    ['a domain literal', 'bob@[127.0.0.1]'],
    ['two @', 'bob@eve@example.com'],
    ['a full-width @ besides the @ (NFKC makes it a second one)', 'bob\uff20eve.example.net@example.com'],
    ['no @', 'bob.example.com'],
    ['nothing before the @', '@example.com'],
    ['nothing after the @', 'bob@'],
  ];
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  for (const [what, email] of refused) {
    t.throws(() => canonicalEmail(email), { name: 'InvalidEmailError', code: 'ERR_INVALID_ARGUMENT' }, `${what}: refused`);
    await t.rejects(auth.registerUser(email, 'Password1'), InvalidEmailError, `${what}: no account`);
  }
  t.throws(() => canonicalEmail('bob smith@example.com'), { message: /white space or any of <>\(\)\[\],;:"\\/ }, 'the message names the rule');
  t.throws(() => canonicalEmail('bob@eve@example.com'), { message: /exactly one @ with text on both sides/ });
  t.equal(await accounts(db), 0, 'nothing was stored');

  const kept = ["o'brien@example.com", 'bob+news@example.com', 'a&b=c%20d/e?f#g!$*{|}~^`@example.com', 'r\u00e9sum\u00e9@b\u00fccher.example'];
  for (const email of kept) {
    const user = await auth.registerUser(email, 'Password1');
    t.equal(user.email, email, `${email}: kept as given`);
    t.equal(await auth.validLogin(email.toUpperCase(), 'Password1'), true, `${email}: logs in in any case`);
  }
});

t.test('control, zero-width and bidirectional characters are refused with InvalidEmailError', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  const cases: [string, string][] = [
    ['zero-width space', 'bob\u200b@example.com'],
    ['zero-width joiner', 'bo\u200db@example.com'],
    ['byte order mark', '\ufeffbob@example.com'],
    ['right-to-left override', 'bob@\u202eexample.com'],
    ['right-to-left isolate', 'bob@exa\u2067mple.com'],
    ['control character', 'bob\u0007@example.com'],
  ];
  for (const [what, email] of cases) {
    const error = await auth.registerUser(email, 'Attacker').catch((e: unknown) => e);
    t.ok(error instanceof InvalidEmailError, `${what}: an InvalidEmailError`);
    t.match(error, { code: 'ERR_INVALID_ARGUMENT', message: /control, zero-width or bidirectional/ }, `${what}: code and message`);
    t.throws(() => canonicalEmail(email), InvalidEmailError, `${what}: canonicalEmail refuses it`);
    t.equal(await auth.validLogin(email, 'MyPwdOfBob'), false, `${what}: it does not log into bob's account`);
  }
  t.equal(await accounts(db), 1, 'nothing was stored');
});

t.test('changing an email keeps it unique and findable', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const bob = await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  const amy = await auth.registerUser('amy@example.com', 'MyPwdOfAmy');
  await db.updateUser(bob.id, { email: 'Robert@Example.com' });
  t.equal((await db.findUserBy({ email: 'robert@example.com' })).id, bob.id, 'found by the new email, in any case');
  await t.rejects(db.findUserBy({ email: 'bob@example.com' }), { code: 'ERR_NO_RESULT_FOUND' }, 'not by the old one');
  await t.rejects(db.updateUser(amy.id, { email: 'ROBERT@example.com' }), EmailTakenError, "amy cannot take robert's address");
  await t.rejects(db.updateUser(amy.id, { email: 'ROBERT@example.com' }), { code: 'ERR_EMAIL_TAKEN' });
  await t.rejects(db.addUser('robert@EXAMPLE.com', 'hash'), { code: 'ERR_EMAIL_TAKEN' }, 'nor can a new account');
  t.equal((await db.findUserBy({ id: amy.id })).email, 'amy@example.com', "amy's email is unchanged");
});
