import { once } from 'node:events';
import { access, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { ownDatabase, startServer, tempDir } from './fixtures/server.ts';
import { testSmtp } from './fixtures/smtp.ts';

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

t.test('`pnpm start`\'s launcher (bin/start.mjs) runs the same server, from a bundle it makes again only after a change', async (t) => {
  const cache = await tempDir(t);
  const bundle = join(cache, 'server.mjs');
  const database = await ownDatabase(t);
  const run = async (what: string): Promise<void> => {
    const server = startServer(t, { ...database, HALLPASS_START_CACHE: cache }, 'launcher');
    const base = await server.listening;
    t.same(await (await fetch(`${base}/`)).json(), { message: 'Bienvenue' }, `${what}: it answers`);
    server.child.kill('SIGTERM');
    const [code] = await once(server.child, 'exit');
    t.equal(code, 0, `${what}: exit status 0 after a graceful shutdown`);
  };
  await run('a first start');
  const inputs = JSON.parse(await readFile(join(cache, 'inputs.json'), 'utf8')) as string[];
  t.ok(inputs.some((file) => file.endsWith(join('packages', 'app', 'src', 'server.ts'))), 'the bundle was made from the sources');
  const made = (await stat(bundle)).mtimeMs;
  await run('a second start');
  t.equal((await stat(bundle)).mtimeMs, made, 'nothing changed: the bundle is used as it is');
  // A file the bundle was made from, saved after it was made.
  const edited = join(cache, 'edited.ts');
  await writeFile(edited, '');
  await utimes(edited, new Date(made + 60_000), new Date(made + 60_000));
  await writeFile(join(cache, 'inputs.json'), JSON.stringify([...inputs, edited]));
  await run('a start after an edit');
  t.not((await stat(bundle)).mtimeMs, made, 'the bundle was made again');
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
  const mail = await smtp.mailTo('prod@example.com', 'Reset your hallpass password');
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
