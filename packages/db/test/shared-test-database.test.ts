import { access, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import t from 'tap';
import { DB, DatabaseOpenError } from '@hallpass/db';
import { pgliteEmpty, sharedTestDatabase, testDB } from '@hallpass/db/testing';
import { connect, lendDatabase } from '../src/connection.ts';

// These run on PGlite whatever DATABASE_URL says: the sharing is PGlite's alone.

const gone = (path: string): Promise<boolean> => access(path).then(() => false, () => true);
const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let firstFolder: string | undefined;

t.test('a test writes to the shared database', async (t) => {
  const db = await testDB(t, 'pglite');
  firstFolder = await sharedTestDatabase();
  t.ok(firstFolder, 'the database is the shared one');
  const user = await db.addUser('first@example.com', 'hash');
  t.equal(user.id, 1);
  await db.knex.raw('SET statement_timeout = 4321');
  // left open on purpose: the next test must not be inside it
  await db.knex.raw('BEGIN');
  await db.knex.raw(`INSERT INTO users (email, canonical_email, hashed_password) VALUES ('open@example.com', 'open@example.com', 'h')`);
});

t.test('the next test gets the same database, emptied', async (t) => {
  const db = await testDB(t, 'pglite');
  t.equal(await sharedTestDatabase(), firstFolder, 'the same running database');
  t.same(await db.knex('users').select('email'), [], 'no row of the test before');
  t.equal((await db.addUser('second@example.com', 'hash')).id, 1, 'identities start again at 1');
  const { rows } = await db.knex.raw<{ rows: { statement_timeout: string }[] }>('SHOW statement_timeout');
  t.equal(rows[0]?.statement_timeout, '0', "the session's settings are back to their defaults");
});

t.test('a test holding the shared database that asks for another gets one of its own', async (t) => {
  const shared = await testDB(t, 'pglite');
  const own = await testDB(t, 'pglite');
  await own.addUser('own@example.com', 'hash');
  t.same(await shared.knex('users').select('email'), [], 'the two are separate databases');
  t.equal((await own.findUserBy({ email: 'own@example.com' })).email, 'own@example.com');
});

t.test('a test that changes the schema', async (t) => {
  const db = await testDB(t, 'pglite');
  await db.knex.schema.createTable('scratch', (table) => table.integer('n'));
});

t.test('leaves the next test a new copy of the snapshot', async (t) => {
  const db = await testDB(t, 'pglite');
  const folder = await sharedTestDatabase();
  t.not(folder, firstFolder, 'another copy');
  t.ok(await gone(firstFolder!), 'the changed copy was removed');
  t.equal(await db.knex.schema.hasTable('scratch'), false, 'without the change');
  firstFolder = folder;
});

t.test('once no test has asked for it for a moment, the shared database is closed and removed', async (t) => {
  await wait(300);
  t.equal(await sharedTestDatabase(), undefined);
  t.ok(await gone(firstFolder!), 'its copy is gone');
  const db = await testDB(t, 'pglite');
  t.ok(await sharedTestDatabase(), 'the next test starts another');
  t.same(await db.knex('users').select('id'), []);
});

t.test('a lent embedded database', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hallpass-lent-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await cp(await pgliteEmpty(), dir, { recursive: true });
  const pglite = await PGlite.create(dir);
  t.teardown(() => (pglite.closed ? undefined : pglite.close()));
  const lent = lendDatabase(dir, pglite);
  t.throws(() => lendDatabase(dir, pglite), DatabaseOpenError, 'is lent once');

  const db = await DB.open({ dataDir: dir });
  t.equal(lent.borrowed, true, 'is borrowed while a handle is open');
  await t.rejects(connect({ dataDir: dir }), { code: 'ERR_DATABASE_OPEN', message: /already open in this process/ }, 'one handle at a time');
  t.throws(() => lent.withdraw(), { message: /in use/ }, 'cannot be taken back while borrowed');
  await db.addUser('lent@example.com', 'hash');
  await db.close();
  t.equal(lent.borrowed, false);
  t.equal((await pglite.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]?.n, 1, 'closing the handle left the database running');

  lent.withdraw();
  await pglite.close();
  const own = await DB.open({ dataDir: dir });
  t.equal((await own.findUserBy({ email: 'lent@example.com' })).email, 'lent@example.com', 'once taken back, the folder opens as usual');
  await own.close();
});
