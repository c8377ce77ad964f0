/** Logs never hold passwords, tokens, session ids or hashes, even at the most verbose level. */
import { Writable } from 'node:stream';
import t from 'tap';
import { buildApp } from '@hallpass/app';
import { isPretty, listeningLine, prettyMessage, serverLogger } from '../src/logging.ts';
import { testDB } from '@hallpass/db/testing';

/** The tests name their requests by `X-Request-Id`, which the service takes only from a proxy it trusts (inject connects from 127.0.0.1). */
const behindProxy = { trustProxy: '127.0.0.1' };

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

/** A logger that keeps every line it is given, parsed. */
function captured(level = 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n')) if (text !== '') lines.push(JSON.parse(text) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: { level, stream } };
}

t.test('one line per request, when it is answered: method, URL, route, address, status, time and id', async (t) => {
  const { lines, logger } = captured();
  const app = await buildApp({ db: await testDB(t), logger, server: behindProxy });
  t.teardown(() => app.close());
  await app.inject({ url: '/', headers: { 'x-request-id': 'one-line' } });
  const mine = lines.filter((line) => line.reqId === 'one-line');
  t.equal(mine.length, 1, 'one line');
  t.match(mine[0], {
    level: 30,
    msg: 'request completed',
    req: { method: 'GET', url: '/', route: '/', remoteAddress: '127.0.0.1' },
    res: { statusCode: 200 },
    responseTime: Number,
  });
});

t.test('a client error is on its request\'s line: code and message, at info', async (t) => {
  const { lines, logger } = captured();
  const app = await buildApp({ db: await testDB(t), logger, server: behindProxy });
  t.teardown(() => app.close());
  await app.inject({ url: '/profile', headers: { 'x-request-id': 'no-session' } });
  await app.inject({ method: 'POST', url: '/users', payload: {}, headers: { 'x-request-id': 'bad-body' } });
  await app.inject({ url: '/nowhere', headers: { 'x-request-id': 'not-found' } });
  const of = (id: string) => lines.filter((line) => line.reqId === id);
  t.match(of('no-session'), [{ level: 30, res: { statusCode: 403 }, error: { code: 'ERR_NO_SESSION', message: String } }]);
  t.match(of('bad-body'), [{ level: 30, res: { statusCode: 400 }, error: { code: 'FST_ERR_VALIDATION' } }]);
  t.match(of('not-found'), [{ level: 30, req: { url: '/nowhere' }, res: { statusCode: 404 }, msg: 'request completed' }], 'a 404 has one line too');
});

t.test('a failure of the service is its request\'s line at error, with the whole error', async (t) => {
  const { lines, logger } = captured();
  const app = await buildApp({ db: await testDB(t), logger, server: behindProxy });
  t.teardown(() => app.close());
  app.get('/broken', async () => {
    throw new Error('a bug');
  });
  app.get('/database-gone', async () => {
    throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
  });
  await app.inject({ url: '/broken', headers: { 'x-request-id': 'bug' } });
  await app.inject({ url: '/database-gone', headers: { 'x-request-id': 'gone' } });
  const bug = lines.filter((line) => line.reqId === 'bug');
  t.match(bug, [{ level: 50, msg: 'request failed', res: { statusCode: 500 }, req: { route: '/broken' }, err: { message: 'a bug', stack: /Error: a bug/ } }]);
  // A database error is logged by its code, never whole: its message and detail can hold what the query wrote.
  const gone = lines.filter((line) => line.reqId === 'gone');
  t.match(gone, [{ level: 50, msg: 'database unavailable', res: { statusCode: 503 }, database: { code: '57P01', condition: 'admin_shutdown' } }]);
  t.notOk(JSON.stringify(gone).includes('administrator command'), 'not its message');
});

t.test('at debug, a request\'s arrival has a line of its own', async (t) => {
  const { lines, logger } = captured('debug');
  const app = await buildApp({ db: await testDB(t), logger, server: behindProxy });
  t.teardown(() => app.close());
  await app.inject({ url: '/', headers: { 'x-request-id': 'arrives' } });
  t.same(lines.filter((line) => line.reqId === 'arrives').map((line) => line.msg), ['incoming request', 'request completed']);
});

t.test('pretty lines: a request in a few words, its id shortened', async (t) => {
  const line = { reqId: '0b9d2c2e-7f43-4a43', req: { method: 'GET', url: '/profile' }, res: { statusCode: 200 }, responseTime: 1.25, msg: 'request completed' };
  t.equal(prettyMessage(line), 'GET /profile 200 1.25 ms (0b9d2c2e)');
  t.equal(prettyMessage({ ...line, res: { statusCode: 403 }, error: { code: 'ERR_NO_SESSION', message: 'no valid session' } }), 'GET /profile 403 1.25 ms ERR_NO_SESSION: no valid session (0b9d2c2e)');
  t.equal(prettyMessage({ ...line, res: { statusCode: 500 }, msg: 'request failed' }), 'GET /profile 500 1.25 ms request failed (0b9d2c2e)');
  t.equal(prettyMessage({ msg: 'audit: signup', reqId: 'abcdefghij' }), 'audit: signup (abcdefgh)');
  t.equal(prettyMessage({ msg: 'database ready' }), 'database ready');
  t.equal(prettyMessage({}), '');
});

t.test('pretty on a terminal outside production, unless LOG_FORMAT says otherwise', async (t) => {
  t.equal(isPretty(undefined, 'course', true), true);
  t.equal(isPretty(undefined, 'course', false), false, 'a pipe or a file gets JSON');
  t.equal(isPretty(undefined, 'production', true), false, 'production writes JSON, even to a terminal');
  t.equal(isPretty('json', 'course', true), false);
  t.equal(isPretty('pretty', 'course', false), true);
});

t.test('the pretty logger writes lines for a person; the JSON one is plain pino', async (t) => {
  t.same(await serverLogger('warn', false), { level: 'warn' }, 'JSON: nothing loaded');
  const written: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString());
      done();
    },
  });
  const options = await serverLogger('info', true, out);
  const app = await buildApp({ db: await testDB(t), logger: options, server: behindProxy });
  t.teardown(() => app.close());
  await app.inject({ url: '/', headers: { 'x-request-id': 'pretty-one' } });
  // eslint-disable-next-line no-control-regex -- the colours a terminal gets
  const text = written.join('').replace(/\x1b\[[0-9;]*m/g, '');
  t.match(text, /INFO: GET \/ 200 [\d.]+ ms \(pretty-o\)/);
  t.notMatch(text, /"reqId"/, 'no JSON');
});

t.test('the start line links the pages to open, /docs only when served', async (t) => {
  const address = 'http://127.0.0.1:5000';
  const line = listeningLine(address, true);
  t.match(line, /^Server listening at http:\/\/127\.0\.0\.1:5000/);
  for (const page of ['/ ', '/try ', '/docs ']) t.ok(line.includes(`${address}${page}`), `links ${page.trim()}`);
  t.notOk(listeningLine(address, false).includes('/docs'), 'no /docs when it is off');
});
