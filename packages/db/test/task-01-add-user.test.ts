import t from 'tap';
import { DB, InvalidArgumentError, User } from '@hallpass/db';
import { testDB } from '@hallpass/db/testing';

t.test('addUser saves a user and returns it with its id', async (t) => {
  const db = await testDB(t);
  const user = await db.addUser('test@test.com', 'SuperHashedPwd');
  t.ok(user instanceof User);
  t.type(user.id, 'number');
  t.equal(user.email, 'test@test.com');
  t.equal(user.hashedPassword, 'SuperHashedPwd');
  t.equal(user.sessionId, null);
  t.equal(user.resetToken, null);

  const rows = await db.knex('users').select('id', 'email', 'hashed_password');
  t.same(rows, [{ id: user.id, email: 'test@test.com', hashed_password: 'SuperHashedPwd' }], 'the row is in the table');
});

t.test('each user gets an id of its own', async (t) => {
  const db = await testDB(t);
  const first = await db.addUser('test@test.com', 'SuperHashedPwd');
  const second = await db.addUser('test1@test.com', 'SuperHashedPwd1');
  t.not(first.id, second.id);
  t.equal(await db.knex('users').count('* as n').first().then((r) => Number(r?.n)), 2);
});

t.test('addUser refuses bad arguments with a typed error and writes nothing', async (t) => {
  const db = await testDB(t);
  const bad: [unknown, unknown, RegExp][] = [
    [undefined, 'hash', /email must be a non-empty string, got undefined/],
    ['', 'hash', /email must be a non-empty string, got an empty string/],
    [42, 'hash', /email must be a non-empty string, got number/],
    ['a@b.c', null, /hashedPassword must be a non-empty string, got null/],
    ['a@b.c', '', /hashedPassword must be a non-empty string/],
    ['a@b.c', ['hash'], /got an array/],
    [`${'a'.repeat(248)}@b.c`, 'hash', /email must be at most 250 characters, got 252/],
  ];
  for (const [email, hash, message] of bad) {
    await t.rejects(db.addUser(email as string, hash as string), new InvalidArgumentError(''), `rejects ${JSON.stringify([email, hash])}`);
    await t.rejects(db.addUser(email as string, hash as string), { code: 'ERR_INVALID_ARGUMENT', message });
  }
  t.same(await db.knex('users').select('id'), [], 'no row was written');
});

t.test('DB.open opens one handle and close is safe to repeat', async (t) => {
  const db = await testDB(t);
  t.equal(db.knex, db.knex, 'the same knex handle every time');
  t.match(db.backend, /^(pglite|postgres)$/);
  await db.close();
  await db.close();
  t.pass('closed twice without error');
});

t.test('DB.open checks its options', async (t) => {
  await t.rejects(DB.open(null as never), { code: 'ERR_INVALID_ARGUMENT', message: /options object/ });
  await t.rejects(DB.open({ dataDir: '' }), { code: 'ERR_INVALID_ARGUMENT', message: /dataDir must be a non-empty string/ });
  await t.rejects(DB.open({ connection: 5 as never }), { code: 'ERR_INVALID_ARGUMENT', message: /connection must be a non-empty string/ });
  await t.rejects(DB.open({ connection: 'mysql://root@localhost/x' }), {
    code: 'ERR_DATABASE_OPEN',
    message: /postgres:\/\/ or postgresql:\/\/ URL/,
  });
});
