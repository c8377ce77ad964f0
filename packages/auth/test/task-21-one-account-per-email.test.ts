import t from 'tap';
import { Auth, EmailTakenError, InvalidEmailError, UserExistsError, canonicalEmail } from '@hallpass/auth';
import { testDB } from '@hallpass/db/testing';

/** How many accounts the table holds. */
async function accounts(db: { knex: (table: string) => { count: (c: string) => Promise<{ n: string | number }[]> } }): Promise<number> {
  const [row] = await db.knex('users').count('* as n');
  return Number(row?.n);
}

t.test('30 concurrent sign-ups of one email, in any letter case: exactly one account', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const spellings = ['race@example.com', 'Race@Example.com', 'RACE@EXAMPLE.COM', ' race@example.com '];
  const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => auth.registerUser(spellings[i % spellings.length]!, `Password${i}`)));
  const created = results.filter((r) => r.status === 'fulfilled');
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  t.equal(created.length, 1, 'exactly one sign-up succeeds');
  t.equal(refused.length, 29, 'the 29 others are refused');
  for (const [i, r] of refused.entries()) {
    t.ok(r.reason instanceof UserExistsError, `refusal ${i} is a UserExistsError (got ${String(r.reason)})`);
  }
  t.equal(await accounts(db), 1, 'the table holds one account');
});

t.test('sign-up inserts and lets the unique index decide: one query, no look-up first', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const queries: string[] = [];
  const listener = (query: { sql: string }) => queries.push(query.sql);
  db.knex.on('query', listener);
  await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  t.equal(queries.length, 1, `a sign-up is one query (got: ${queries.join(' | ')})`);
  t.match(queries[0], /^insert/i, 'an insert');
  queries.length = 0;
  await t.rejects(auth.registerUser('BOB@example.com', 'Other'), { name: 'UserExistsError', code: 'ERR_USER_EXISTS', message: 'User BOB@example.com already exists' });
  t.equal(queries.length, 1, `a refused sign-up is one query too (got: ${queries.join(' | ')})`);
  db.knex.off('query', listener);
});

t.test('the canonical email: trimmed, Unicode NFC, lower case; the email is kept as given', async (t) => {
  t.equal(canonicalEmail('  Bob@Example.COM '), 'bob@example.com');
  t.equal(canonicalEmail('Jose\u0301@example.com'), 'jos\u00e9@example.com', 'e + combining accent becomes é (NFC)');
  t.equal(canonicalEmail('J\u00c9R\u00d4ME@example.com'), 'j\u00e9r\u00f4me@example.com');

  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const jose = await auth.registerUser('Jos\u00e9@Example.com', 'MyPwdOfJose');
  t.equal(jose.email, 'Jos\u00e9@Example.com', 'the email is stored as given');
  await t.rejects(auth.registerUser('jose\u0301@example.com', 'Other'), UserExistsError, 'the decomposed spelling is the same address');
  t.equal(await auth.validLogin('JOSE\u0301@EXAMPLE.COM', 'MyPwdOfJose'), true, 'log in with any spelling');
  t.equal((await db.findUserBy({ email: ' jos\u00e9@example.com ' })).id, jose.id, 'findUserBy matches the canonical form');
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
