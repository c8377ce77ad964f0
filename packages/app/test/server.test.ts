import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { isolatedTarget } from '@hallpass/db/testing';
import { testSmtp } from './fixtures/smtp.ts';
import { tsLoader } from './fixtures/spawn.ts';

const launcher = fileURLToPath(new URL('../bin/start.mjs', import.meta.url));
const serverEntry = fileURLToPath(new URL('../src/server.ts', import.meta.url));

/**
 * Starts `src/server.ts` and resolves with its address once it listens. By default
 * the child loads TypeScript with this process's loader (tap's), so its coverage
 * lines up with the other test files'. `via: 'launcher'` goes through
 * `bin/start.mjs` exactly as `pnpm start` does; that child compiles with tsx,
 * whose output differs from tap's, so it records no coverage (tap's process
 * tracker honours _TAPJS_PROCESSINFO_COVERAGE_=0): merged with the other
 * processes' coverage of the same files, it would garble the report.
 */
function startServer(t: { teardown(fn: () => unknown): void }, env: Record<string, string>, via: 'loader' | 'launcher' = 'loader') {
  const base: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', DATABASE_URL: '', ...env };
  if (via === 'launcher') base._TAPJS_PROCESSINFO_COVERAGE_ = '0';
  const child = spawn(process.execPath, via === 'launcher' ? [launcher] : [...tsLoader(), serverEntry], {
    env: base,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let output = '';
  const listening = new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${output}`)));
  });
  return { child, listening, output: () => output };
}

async function tempDir(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hallpass-server-test-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A database of the test's own, for tests about something other than the embedded
 * database: PostgreSQL when DATABASE_URL is set (much faster to start than a fresh
 * embedded one), else an embedded database in a temporary folder.
 */
async function ownDatabase(t: Parameters<typeof isolatedTarget>[0]): Promise<Record<string, string>> {
  const target = await isolatedTarget(t);
  /* c8 ignore next - which branch runs depends on DATABASE_URL */
  return target.connection === undefined ? { HALLPASS_DATA_DIR: target.dataDir ?? '' } : { DATABASE_URL: target.connection };
}

t.test('the server starts on a fresh data folder, answers GET /, and stops cleanly on SIGTERM', async (t) => {
  const dataDir = join(await tempDir(t), 'data');
  const server = startServer(t, { HALLPASS_DATA_DIR: dataDir });
  const base = await server.listening;
  const response = await fetch(`${base}/`);
  t.equal(response.status, 200);
  t.same(await response.json(), { message: 'Bienvenue' });
  await access(join(dataDir, 'PG_VERSION'));
  t.pass('the embedded database keeps its files in HALLPASS_DATA_DIR');

  // A second signal while shutting down (an impatient Ctrl-C) does not start a second shutdown.
  server.child.kill('SIGTERM');
  server.child.kill('SIGINT');
  const [code] = await once(server.child, 'exit');
  t.equal(code, 0, 'exit status 0 after a graceful shutdown');
  t.equal(server.output().match(/shutting down/g)?.length, 1, 'one shutdown');
  await t.rejects(access(join(dataDir, 'hallpass.lock')), 'the data folder is unlocked');
});

t.test('bad configuration stops the server with every problem listed', async (t) => {
  const server = startServer(t, { PORT: 'x', LOG_LEVEL: 'loud' });
  await t.rejects(server.listening, /exited with 2/);
  t.match(server.output(), /hallpass cannot start: invalid configuration/);
  t.match(server.output(), /PORT must be a whole number/);
  t.match(server.output(), /LOG_LEVEL must be one of/);
});

t.test('a port already taken is a clear error, and the data folder is released', async (t) => {
  const blocker = createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  t.teardown(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  const database = await ownDatabase(t);
  const server = startServer(t, { PORT: String(port), ...database });
  await t.rejects(server.listening, /exited with 1/);
  t.match(server.output(), /hallpass cannot start: the port is already in use/);
  /* c8 ignore next - only the embedded database has a lock file */
  if (database.HALLPASS_DATA_DIR !== undefined) await t.rejects(access(join(database.HALLPASS_DATA_DIR, 'hallpass.lock')), 'the lock was released');
});

t.test('`pnpm start`\'s launcher (bin/start.mjs) runs the same server', async (t) => {
  const server = startServer(t, await ownDatabase(t), 'launcher');
  const base = await server.listening;
  t.same(await (await fetch(`${base}/`)).json(), { message: 'Bienvenue' });
  server.child.kill('SIGTERM');
  const [code] = await once(server.child, 'exit');
  t.equal(code, 0, 'exit status 0 after a graceful shutdown');
});

t.test('an address the machine does not have is reported as it is', async (t) => {
  // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a real interface.
  const server = startServer(t, { HOST: '192.0.2.1', HALLPASS_ALLOW_REMOTE: '1', ...(await ownDatabase(t)) });
  await t.rejects(server.listening, /exited with 1/);
  t.match(server.output(), /hallpass cannot start: Error: listen EADDRNOTAVAIL/);
});

t.test('the production profile refuses to start on unsafe settings, naming each one', async (t) => {
  const server = startServer(t, { NODE_ENV: 'production', BCRYPT_COST: '8', DATABASE_URL: 'postgres://app:s3cret@db.example.com:5432/hallpass' });
  await t.rejects(server.listening, /exited with 2/);
  const output = server.output();
  t.match(output, /hallpass cannot start: invalid configuration/);
  for (const name of ['BCRYPT_COST', 'SMTP_URL', 'MAIL_FROM', 'PUBLIC_ORIGIN', 'DATABASE_URL', 'TRUST_PROXY']) t.match(output, new RegExp(`- ${name}( \\([^)]*\\))? must`), `${name} is named`);
  t.notMatch(output, /s3cret/, 'the database password is not printed');
});

t.test('the production profile starts with its mail settings, mails reset tokens, and believes the proxy TRUST_PROXY names', async (t) => {
  const smtp = await testSmtp(t);
  const server = startServer(t, {
    NODE_ENV: 'production',
    BCRYPT_COST: '10',
    SMTP_URL: smtp.url,
    MAIL_FROM: 'hallpass <no-reply@hallpass.test>',
    PUBLIC_ORIGIN: 'https://auth.example.com',
    TRUST_PROXY: '127.0.0.1',
    ...(await ownDatabase(t)),
  });
  const base = await server.listening;
  const post = (path: string, fields: Record<string, string>) =>
    fetch(`${base}${path}`, { method: 'POST', body: new URLSearchParams(fields), headers: { 'x-forwarded-for': '203.0.113.5', 'x-forwarded-host': 'auth.example.com' } });
  t.equal((await post('/users', { email: 'prod@example.com', password: 'pr0d-passw0rd-st4g1ng' })).status, 200);
  const answer = await post('/reset_password', { email: 'prod@example.com' });
  t.equal(answer.status, 200);
  t.same(await answer.json(), { message: 'if an account uses this email, a password-reset link has been sent to it' });
  const mail = await smtp.mailTo('prod@example.com');
  t.match(mail.text, /https:\/\/auth\.example\.com\/try#email=prod%40example\.com&reset_token=/, 'the mail links to PUBLIC_ORIGIN');
  t.match(server.output(), /"audit":"reset\.requested".*"ip":"203\.0\.113\.5"/, 'the audit line names the client behind the proxy');
  t.match(server.output(), /mail goes through this SMTP server/);
  const direct = await fetch(`${base}/`);
  t.equal(direct.status, 421, 'a request naming another host than PUBLIC_ORIGIN\'s is refused');
  t.equal((await fetch(`${base}/healthz`)).status, 200, 'a probe naming the instance\'s address is answered');
  server.child.kill('SIGTERM');
  const [code] = await once(server.child, 'exit');
  t.equal(code, 0, 'a clean stop');
});

/** A loopback port nobody listens on: one the system just gave out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

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
  t.match(server.output(), /hallpass cannot start: REDIS_URL: the Redis server at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ did not answer/);
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
