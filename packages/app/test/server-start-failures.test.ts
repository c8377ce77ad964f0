/** A start that fails: at once, with the status docs/operations.md gives it, naming the variable, closing what it opened. */
import { access, chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { closedPort, ownDatabase, startServer, tempDir } from './fixtures/server.ts';

t.test('PostgreSQL unreachable at start: exit status 3 at once, naming DATABASE_URL, without its password', async (t) => {
  const server = startServer(t, { DATABASE_URL: `postgres://app:s3cret@127.0.0.1:${await closedPort()}/hallpass`, DB_CONNECT_TIMEOUT_MS: '600000' });
  await t.rejects(server.listening, /exited with 3/);
  t.match(server.output(), /hallpass cannot start: DATABASE_URL: .*postgres:\/\/app:\*\*\*@127\.0\.0\.1:\d+\/hallpass.*ECONNREFUSED/);
  t.notMatch(server.output(), /s3cret/);
});

t.test('Redis unreachable at start: exit status 3, naming REDIS_URL, and the data folder released', async (t) => {
  const database = await ownDatabase(t);
  const server = startServer(t, { REDIS_URL: `redis://:s3cret@127.0.0.1:${await closedPort()}`, ...database });
  // Before, the Redis client's reconnect timer kept the process alive: neither listening nor exiting.
  await t.rejects(server.listening, /exited with 3/);
  t.match(server.output(), /hallpass cannot start: REDIS_URL: Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ did not answer/);
  t.notMatch(server.output(), /s3cret/);
  /* c8 ignore next - only the embedded database has a lock file */
  if (database.HALLPASS_DATA_DIR !== undefined) await t.rejects(access(join(database.HALLPASS_DATA_DIR, 'hallpass.lock')), 'the lock was released');
});

t.test('the course profile on a network address is refused with status 2, naming the setting that allows it', async (t) => {
  const server = startServer(t, { HOST: '0.0.0.0' });
  await t.rejects(server.listening, /exited with 2/);
  t.match(server.output(), /HOST=0\.0\.0\.0 is refused in the course profile.*HALLPASS_ALLOW_REMOTE=1/);
});

t.test('a data folder others may read or write is refused with status 2', async (t) => {
  const dataDir = join(await tempDir(t), 'data');
  await mkdir(dataDir, { mode: 0o700 });
  await chmod(dataDir, 0o755);
  const open = startServer(t, { HALLPASS_DATA_DIR: dataDir });
  await t.rejects(open.listening, /exited with 2/);
  t.match(open.output(), new RegExp(`HALLPASS_DATA_DIR \\(${dataDir}\\) may be read or written by other users \\(mode 755\\).*chmod 700`));
  await t.rejects(access(join(dataDir, 'PG_VERSION')), 'nothing was written to it');
});
