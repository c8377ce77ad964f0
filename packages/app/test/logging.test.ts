/** Logs never hold passwords, tokens, session ids or hashes, even at the most verbose level. */
import { Writable } from 'node:stream';
import t from 'tap';
import { buildApp } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';

t.test('a whole flow logged at trace level leaks no secret', async (t) => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const db = await testDB(t);
  const app = await buildApp({ db, bcryptCost: 4, logger: { level: 'trace', stream } });
  t.teardown(() => app.close());
  const form = (fields: Record<string, string>) => ({ payload: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  await app.inject({ method: 'POST', url: '/users', ...form({ email: 'bob@example.com', password: 'S3cr3t-pw' }) });
  await app.inject({ method: 'POST', url: '/sessions', ...form({ email: 'bob@example.com', password: 'Wr0ng-pw' }) });
  const login = await app.inject({ method: 'POST', url: '/sessions', ...form({ email: 'bob@example.com', password: 'S3cr3t-pw' }) });
  const sessionId = login.cookies[0]?.value ?? '';
  await app.inject({ method: 'GET', url: '/profile', cookies: { session_id: sessionId } });
  const token = (await app.inject({ method: 'POST', url: '/reset_password', ...form({ email: 'bob@example.com' }) })).json().reset_token as string;
  await app.inject({ method: 'PUT', url: '/reset_password', ...form({ email: 'bob@example.com', reset_token: token, new_password: 'N3w-pw' }) });
  await app.inject({ method: 'DELETE', url: '/sessions', headers: { cookie: `session_id=${sessionId}`, authorization: 'Basic Ym9iOlMzY3IzdC1wdw==' } });
  const hash = (await db.findUserBy({ email: 'bob@example.com' })).hashedPassword;

  const logged = lines.join('');
  t.ok(lines.length > 10, 'requests were logged');
  for (const secret of ['S3cr3t-pw', 'Wr0ng-pw', 'N3w-pw', sessionId, token, hash, 'Ym9iOlMzY3IzdC1wdw==']) {
    t.notOk(logged.includes(secret), `the log does not contain ${secret.slice(0, 4)}…`);
  }
});

t.test('`logger: true` gets the same redaction', async (t) => {
  const app = await buildApp({ db: await testDB(t), logger: true });
  t.teardown(() => app.close());
  t.ok(app.log, 'the app has a logger');
});
