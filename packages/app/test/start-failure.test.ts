/** What a failed start says and the status it exits with; the data folder's permissions. */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ConfigError } from '@hallpass/app';
import { DatabaseOpenError, HallpassError } from '@hallpass/db';
import { RedisUnavailableError } from '../src/errors.ts';
import { atMost, checkDataDir, databaseFailure, describeStartFailure, exitStatus, pluginFailure, StartError } from '../src/start-failure.ts';

const folder = await mkdtemp(join(tmpdir(), 'hallpass-start-failure-'));
t.teardown(() => rm(folder, { recursive: true, force: true }));

t.test('the data folder: missing or the service\'s own is fine; open to others, or not a folder, is refused', async (t) => {
  await t.resolves(checkDataDir(join(folder, 'not-yet')), 'a folder the service will create');
  const own = join(folder, 'own');
  await mkdir(own, { mode: 0o700 });
  await chmod(own, 0o700);
  await t.resolves(checkDataDir(own), 'mode 700');
  for (const mode of [0o750, 0o705, 0o777, 0o710]) {
    const open = join(folder, `open-${mode.toString(8)}`);
    await mkdir(open);
    await chmod(open, mode);
    await t.rejects(checkDataDir(open), { code: 'ERR_CONFIG', message: new RegExp(`HALLPASS_DATA_DIR \\(${open}\\) may be read or written by other users \\(mode ${mode.toString(8)}\\)`) }, `mode ${mode.toString(8)}`);
  }
  const file = join(folder, 'file');
  await writeFile(file, '');
  await t.rejects(checkDataDir(file), { message: /HALLPASS_DATA_DIR \(.*\) is not a folder/ });
  await t.rejects(checkDataDir(join(file, 'below')), { message: /HALLPASS_DATA_DIR \(.*\) cannot be read: ENOTDIR/ });
});

t.test('each failure has its status and a line naming what to look at', async (t) => {
  t.same(describeStartFailure(new ConfigError(['PORT must be a whole number'])), { line: 'invalid configuration:\n  - PORT must be a whole number', status: exitStatus.refused });
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  const unreachable = databaseFailure(new DatabaseOpenError('cannot prepare postgres://db/x: connect ECONNREFUSED', { cause: refused }), { databaseUrl: 'postgres://db/x' });
  t.same(describeStartFailure(unreachable), { line: 'DATABASE_URL: cannot prepare postgres://db/x: connect ECONNREFUSED', status: exitStatus.unreachable });
  const locked = databaseFailure(new DatabaseOpenError('the data folder /srv is in use by process 7'), { databaseUrl: undefined });
  t.same(describeStartFailure(locked), { line: 'HALLPASS_DATA_DIR: the data folder /srv is in use by process 7', status: exitStatus.failed });
  t.equal(databaseFailure('odd', { databaseUrl: undefined }).message, 'HALLPASS_DATA_DIR: odd');
  t.same(describeStartFailure(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' })), { line: 'the port is already in use: stop the other server or set PORT', status: exitStatus.failed });
  t.same(describeStartFailure(new Error('boom')), { line: 'Error: boom', status: exitStatus.failed });
  t.same(describeStartFailure(new StartError('x', 3)), { line: 'x', status: 3 });
});

t.test('a plugin failure with REDIS_URL set is the Redis server\'s; the service\'s own errors are left as they are', async (t) => {
  const closed = new Error('Connection is closed.');
  const failure = pluginFailure(closed, { redisUrl: 'redis://:pw@cache:6379' });
  t.same(describeStartFailure(failure), { line: 'REDIS_URL: the Redis server at redis://:***@cache:6379 did not answer: Connection is closed.', status: exitStatus.unreachable });
  t.equal(describeStartFailure(pluginFailure('gone', { redisUrl: 'redis://cache' })).line, 'REDIS_URL: the Redis server at redis://cache did not answer: gone');
  const own = new HallpassError('ERR_X', 'x');
  t.equal(pluginFailure(own, { redisUrl: 'redis://cache' }), own);
  t.equal(pluginFailure(closed, { redisUrl: undefined }), closed);
  const silent = new RedisUnavailableError('Redis at cache:6379 did not answer (connect ECONNREFUSED)');
  t.same(describeStartFailure(pluginFailure(silent, { redisUrl: 'redis://cache' })), { line: 'REDIS_URL: Redis at cache:6379 did not answer (connect ECONNREFUSED)', status: exitStatus.unreachable }, 'the Redis client\'s own failure to connect is status 3 too');
});

t.test('atMost: a clean-up that finishes, fails, or hangs', async (t) => {
  t.equal(await atMost(Promise.resolve(1), 60_000), 1);
  t.equal(await atMost(Promise.reject(new Error('failed')), 60_000), undefined, 'a failure is swallowed');
  t.equal(await atMost(new Promise(() => {}), 1), undefined, 'a hang is given up on');
});
