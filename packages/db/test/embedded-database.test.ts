import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { DB, DatabaseOpenError, redact } from '@hallpass/db';
import { pgliteEmpty, pgliteSnapshot, testBackend, testDB, testKnex } from '@hallpass/db/testing';
import { userMigrations } from '@hallpass/user-model';

async function tempDir(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hallpass-db-test-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test('data kept in a folder survives close and a new open', async (t) => {
  const dir = await tempDir(t);
  const first = await DB.open({ dataDir: dir });
  t.equal(first.backend, 'pglite');
  const bob = await first.addUser('bob@example.com', 'hash');
  await first.close();

  const second = await DB.open({ dataDir: dir });
  t.teardown(() => second.close());
  t.match(await second.findUserBy({ email: 'bob@example.com' }), { id: bob.id, hashedPassword: 'hash' });
  const migrations = await second.knex('knex_migrations').select('name');
  t.same(migrations, userMigrations.map(({ name }) => ({ name })), 'migrations ran once, and nothing was dropped');
});

t.test('without a folder the embedded database lives in memory', async (t) => {
  const db = await DB.open();
  t.teardown(() => db.close());
  await db.addUser('bob@example.com', 'hash');
  t.equal((await db.findUserBy({ email: 'bob@example.com' })).email, 'bob@example.com');
});

t.test('one data folder is opened by one process at a time', async (t) => {
  const dir = await tempDir(t);
  const db = await DB.open({ dataDir: dir });
  await t.rejects(DB.open({ dataDir: dir }), { code: 'ERR_DATABASE_OPEN', message: /already open in this process/ });
  await db.close();

  await writeFile(join(dir, 'hallpass.lock'), String(process.ppid));
  await t.rejects(DB.open({ dataDir: dir }), { code: 'ERR_DATABASE_OPEN', message: new RegExp(`in use by process ${process.ppid}`) });

  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  await writeFile(join(dir, 'hallpass.lock'), String(dead));
  const again = await DB.open({ dataDir: dir });
  t.equal(await readFile(join(dir, 'hallpass.lock'), 'utf8'), String(process.pid), 'a stale lock is taken over');
  await again.close();
});

t.test('a data folder that cannot be used is a DatabaseOpenError', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'not-a-folder');
  // The embedded database is the only one a path can break.
  await writeFile(file, 'x');
  await t.rejects(DB.open({ dataDir: join(file, 'data') }), DatabaseOpenError);
});

t.test('a PostgreSQL server that does not answer is a DatabaseOpenError without the password', async (t) => {
  const error = await DB.open({ connection: 'postgres://user:secret@127.0.0.1:1/none' }).catch((e: unknown) => e);
  t.ok(error instanceof DatabaseOpenError);
  t.match(error, { code: 'ERR_DATABASE_OPEN', message: /postgres:\/\/user:\*\*\*@127\.0\.0\.1:1\/none/ });
  t.notMatch((error as Error).message, /secret/);
});

t.test('redact hides only the password of a URL', async (t) => {
  t.equal(redact('postgres://app:s3cr3t@db:5432/hallpass'), 'postgres://app:***@db:5432/hallpass');
  t.equal(redact('postgres://app@db/hallpass'), 'postgres://app@db/hallpass');
});

t.test('the test helper gives each test a database of its own', async (t) => {
  const a = await testDB(t, 'pglite');
  const b = await testDB(t, 'pglite');
  await a.addUser('bob@example.com', 'hash');
  t.same(await b.knex('users').select('id'), [], 'what one test writes, another does not see');
});

t.test('a data folder PGlite cannot read is a DatabaseOpenError', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'PG_VERSION'), 'garbage');
  await t.rejects(DB.open({ dataDir: dir }), { code: 'ERR_DATABASE_OPEN', message: /cannot open the embedded database in/ });
});

t.test('a snapshot that cannot be built fails every test of the process the same way, built once', async (t) => {
  const root = await tempDir(t);
  // An "empty database" PGlite cannot open stands for migrations that fail (task 00's stub).
  const version = (createRequire(import.meta.url)('../package.json') as { dependencies: Record<string, string> }).dependencies['@electric-sql/pglite'];
  await mkdir(join(root, `hallpass-pglite-empty-${version}`));
  await writeFile(join(root, `hallpass-pglite-empty-${version}`, 'PG_VERSION'), 'garbage');
  const first = await pgliteSnapshot(root).catch((error: unknown) => error);
  t.type(first, DatabaseOpenError, 'the build fails');
  t.equal(await pgliteSnapshot(root).catch((error: unknown) => error), first, 'the next call gives the same error, without building again');
  t.same((await readdir(root)).filter((name) => !name.startsWith('hallpass-pglite-empty-')), [], 'no half-built copy is left');
});

t.test('the migrated snapshot is built once, even by racing test files', async (t) => {
  const root = await tempDir(t);
  const [a, b] = await Promise.all([pgliteSnapshot(root), pgliteSnapshot(root)]);
  t.equal(a, b);
  t.equal(await pgliteSnapshot(root), a, 'later calls reuse it');
  t.equal(await pgliteEmpty(root), await pgliteEmpty(root), 'the empty database it was built from is kept and reused too');
  const knex = await testKnex(t, 'pglite');
  t.ok(await knex.schema.hasTable('users'), 'testKnex gives a migrated database');
});

t.test('tests run on PostgreSQL exactly when DATABASE_URL is set', async (t) => {
  const saved = process.env.DATABASE_URL;
  t.teardown(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  });
  process.env.DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
  t.equal(testBackend(), 'postgres');
  process.env.DATABASE_URL = '';
  t.equal(testBackend(), 'pglite');
});
