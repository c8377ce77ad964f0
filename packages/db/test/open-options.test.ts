import t from 'tap';
import { DB } from '@hallpass/db';
import { testDB } from '@hallpass/db/testing';

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
