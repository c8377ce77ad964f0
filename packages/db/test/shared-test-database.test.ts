import { access, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import t from 'tap';
import { DB, DatabaseOpenError } from '@hallpass/db';
import { pgliteEmpty, sharedTestDatabase, testDB } from '@hallpass/db/testing';
import { connect, lendDatabase } from '../src/connection.ts';

// The first tests run on PGlite whatever DATABASE_URL says; those at the end, on the
// PostgreSQL server of DATABASE_URL when there is one.

const gone = (path: string): Promise<boolean> => access(path).then(() => false, () => true);
/** Resolves once `condition` holds, checked every 20 ms: no deadline but tap's, so a busy machine only makes it slower. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}

let firstFolder: string | undefined;

t.test('a test writes to the shared database', async (t) => {
  const db = await testDB(t, 'pglite');
  firstFolder = await sharedTestDatabase('pglite');
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
  t.equal(await sharedTestDatabase('pglite'), firstFolder, 'the same running database');
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
  const folder = await sharedTestDatabase('pglite');
  t.not(folder, firstFolder, 'another copy');
  t.ok(await gone(firstFolder!), 'the changed copy was removed');
  t.equal(await db.knex.schema.hasTable('scratch'), false, 'without the change');
  firstFolder = folder;
});

t.test('once no test has asked for it for a moment, the shared database is closed and removed', async (t) => {
  // nobody asks: the idle timer retires it (a test that asked would keep it, and this wait would never end)
  await until(async () => (await sharedTestDatabase('pglite')) === undefined && (await gone(firstFolder!)));
  t.pass('closed, and its copy is gone');
  const db = await testDB(t, 'pglite');
  t.ok(await sharedTestDatabase('pglite'), 'the next test starts another');
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

const server = process.env.DATABASE_URL;

/** Whether the server of DATABASE_URL holds a database called `name`. */
async function serverHas(name: string): Promise<boolean> {
  const admin = await connect({ connection: server! });
  try {
    const { rows } = await admin.knex.raw<{ rows: unknown[] }>('SELECT 1 FROM pg_database WHERE datname = ?', [name]);
    return rows.length === 1;
  } finally {
    await admin.close();
  }
}
const databaseOf = (url: string | undefined): string => new URL(url!).pathname.slice(1);

t.test('on a PostgreSQL server', { skip: server === undefined ? 'no DATABASE_URL' : false }, async (t) => {
  let first: string | undefined;
  await t.test('a test writes to the shared database', async (t) => {
    const db = await testDB(t, 'postgres');
    first = await sharedTestDatabase('postgres');
    t.match(databaseOf(first), /^hallpass_test_\d+_[0-9a-f]{8}$/, 'a database of its own on the server');
    t.equal((await db.addUser('first@example.com', 'hash')).id, 1);
  });
  await t.test('the next test gets it emptied', async (t) => {
    const db = await testDB(t, 'postgres');
    t.equal(await sharedTestDatabase('postgres'), first, 'the same database');
    t.same(await db.knex('users').select('email'), [], 'no row of the test before');
    t.equal((await db.addUser('second@example.com', 'hash')).id, 1, 'identities start again at 1');
  });
  await t.test('a second database asked for meanwhile is another one', async (t) => {
    const held = await testDB(t, 'postgres');
    const own = await testDB(t, 'postgres');
    await own.addUser('own@example.com', 'hash');
    t.same(await held.knex('users').select('email'), [], 'the two are separate databases');
  });
  await t.test('a test that changes the schema', async (t) => {
    const db = await testDB(t, 'postgres');
    await db.knex.schema.createTable('scratch', (table) => table.integer('n'));
  });
  await t.test('leaves the next test a new database, and the changed one is dropped', async (t) => {
    const db = await testDB(t, 'postgres');
    const now = await sharedTestDatabase('postgres');
    t.not(now, first, 'another database');
    t.equal(await serverHas(databaseOf(first)), false, 'the changed one is gone from the server');
    t.equal(await db.knex.schema.hasTable('scratch'), false, 'without the change');
    first = now;
  });
  await t.test('once no test has asked for a moment, the database is dropped', async (t) => {
    await until(async () => (await sharedTestDatabase('postgres')) === undefined && !(await serverHas(databaseOf(first))));
    t.pass('dropped from the server');
  });
});
