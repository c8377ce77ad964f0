import { createHash } from 'node:crypto';
import t from 'tap';
import { buildApp } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';
import { logIn, send } from './fixtures/app.ts';
import { logCapture } from './fixtures/log.ts';

interface LogLine {
  audit?: string;
  userId?: number | null;
  ip?: string;
  limit?: string;
  reqId?: string;
  level: number;
  [field: string]: unknown;
}

// The service's log, line by line, at its default level.
const { stream, lines, text } = logCapture();
const db = await testDB(t);
const app = await buildApp({ db, bcryptCost: 4, logger: { level: 'info', stream }, security: { rateLimits: { loginFailuresPerAccount: 2 } } });
t.teardown(() => app.close());

const events = () => (lines as LogLine[]).filter((line) => line.audit !== undefined);

// One whole flow, with failures, a rate-limit hit and a cross-site request.
// Passwords with characters that a form, JSON or a URL encodes: a log line holding one may hold it encoded.
const password = 'S3cr3t pw/9+&"é';
const newPassword = 'N3w-pw-42%\\=';
const wrongGuess = 'Wr0ng guess?&';
await send(app, 'POST', '/users', { email: 'audited@example.com', password });
const user = await db.findUserBy({ email: 'audited@example.com' });
// The email in another letter case: still the same account.
await send(app, 'POST', '/sessions', { email: 'AUDITED@Example.COM', password: wrongGuess });
await send(app, 'POST', '/sessions', { email: 'nobody@example.com', password: wrongGuess });
const sessionId = await logIn(app, 'audited@example.com', password);
await send(app, 'DELETE', '/sessions', undefined, 'form', sessionId);
const token = (await send(app, 'POST', '/reset_password', { email: 'audited@example.com' })).json().reset_token as string;
await send(app, 'POST', '/reset_password', { email: 'unknown@example.com' });
await send(app, 'PUT', '/reset_password', { email: 'audited@example.com', reset_token: 'f'.repeat(36), new_password: newPassword });
await send(app, 'PUT', '/reset_password', { email: 'audited@example.com', reset_token: token, new_password: newPassword });
// The login and the reset cleared the earlier failure: two new ones reach the limit of two.
await send(app, 'POST', '/sessions', { email: 'audited@example.com', password: 'Wr0ng-again' });
await send(app, 'POST', '/sessions', { email: 'audited@example.com', password: 'Wr0ng-again' });
const limited = await send(app, 'POST', '/sessions', { email: 'audited@example.com', password: 'Wr0ng-again' });
await app.inject({ method: 'DELETE', url: '/sessions', cookies: { session_id: sessionId }, headers: { origin: 'https://evil.example' } });
const hash = (await db.findUserBy({ email: 'audited@example.com' })).hashedPassword;

t.test('each security event is one structured line with the user id and the client address', async (t) => {
  t.equal(limited.statusCode, 429, 'the flow did hit the rate limit');
  const expected: Array<[string, number | null, string?]> = [
    ['signup', user.id],
    ['login.failed', user.id],
    ['login.failed', null],
    ['login.ok', user.id],
    ['logout', user.id],
    ['reset.requested', user.id],
    ['reset.refused', null],
    ['reset.failed', user.id],
    ['reset.used', user.id],
    ['login.failed', user.id],
    ['login.failed', user.id],
    ['rate_limited', null, 'login-failures-per-account'],
    ['csrf.refused', null],
  ];
  const logged = events();
  t.same(logged.map((e) => e.audit), expected.map(([event]) => event), 'the events, in order');
  for (const [index, [event, userId, limit]] of expected.entries()) {
    const line = logged[index] ?? { level: 0 };
    // Presence, not just value: a line without `userId` is not a line with `userId: null`.
    t.ok(Object.hasOwn(line, 'userId'), `${event} #${index}: has a userId field`);
    t.equal(line.userId, userId, `${event} #${index}: userId`);
    t.equal(line.ip, '127.0.0.1', `${event} #${index}: the client address`);
    t.type(line.reqId, 'string', `${event} #${index}: the request id ties it to the request's other lines`);
    t.equal(line.level, 30, `${event} #${index}: level info (30)`);
    t.equal(line.msg, `audit: ${event}`, `${event} #${index}: the message`);
    if (limit !== undefined) t.equal(line.limit, limit, `${event} #${index}: which limit`);
    else t.notOk(Object.hasOwn(line, 'limit'), `${event} #${index}: no limit field`);
  }
});

t.test('no log line holds a password, a token, a digest of one, or the hash', async (t) => {
  const digests = (value: string) => [createHash('sha256').update(value).digest('hex'), createHash('sha256').update(value).digest('base64url'), createHash('sha256').update(value).digest('base64')];
  // A secret as it is, and as a form body, a URL or a JSON string would write it.
  const spellings = (value: string) => [
    value,
    encodeURIComponent(value),
    new URLSearchParams({ value }).toString().slice('value='.length),
    JSON.stringify(value).slice(1, -1),
  ];
  const secrets: Array<[string, string]> = [
    ...spellings(password).map((s): [string, string] => ['the password', s]),
    ...spellings(wrongGuess).map((s): [string, string] => ['a wrong password', s]),
    ...spellings(newPassword).map((s): [string, string] => ['the new password', s]),
    ['the session id', sessionId],
    ['the reset token', token],
    ['the bcrypt hash', hash],
    ...digests(sessionId).map((d): [string, string] => ['a digest of the session id', d]),
    ...digests(token).map((d): [string, string] => ['a digest of the reset token', d]),
  ];
  const all = text();
  for (const [name, secret] of secrets) t.notOk(all.includes(secret), `the log does not contain ${name} (${JSON.stringify(secret)})`);
  for (const line of events()) {
    t.same(Object.keys(line).filter((key) => !['level', 'time', 'pid', 'hostname', 'reqId', 'msg', 'audit', 'userId', 'ip', 'limit', 'sessionId'].includes(key)), [], `${line.audit}: no other field`);
  }
});

t.test('ip is the client address: the connection\'s, or behind a trusted proxy the one X-Forwarded-For names', async (t) => {
  const signUpFrom = async (target: typeof app, n: number, headers: Record<string, string>, remoteAddress?: string) =>
    target.inject({
      method: 'POST',
      url: '/users',
      payload: { email: `from-${n}@example.com`, password: 'b4l0u' },
      headers,
      ...(remoteAddress === undefined ? {} : { remoteAddress }),
    });
  /** The `ip` of the n-th sign-up line of `log`. */
  const ipOf = (log: ReturnType<typeof logCapture>, n: number) => (log.lines as LogLine[]).filter((line) => line.audit === 'signup')[n]?.ip;

  const direct = logCapture();
  const plain = await buildApp({ db: await testDB(t), bcryptCost: 4, logger: { level: 'info', stream: direct.stream } });
  t.teardown(() => plain.close());
  await signUpFrom(plain, 1, {}, '10.1.2.3');
  await signUpFrom(plain, 2, {}, '2001:db8::5');
  await signUpFrom(plain, 3, { 'x-forwarded-for': '203.0.113.9' });
  t.equal(ipOf(direct, 0), '10.1.2.3', 'the address of the connection');
  t.equal(ipOf(direct, 1), '2001:db8::5', 'an IPv6 client');
  t.equal(ipOf(direct, 2), '127.0.0.1', 'without a trusted proxy, X-Forwarded-For is anyone\'s claim: ignored');

  const proxied = logCapture();
  const behind = await buildApp({ db: await testDB(t), bcryptCost: 4, logger: { level: 'info', stream: proxied.stream }, server: { trustProxy: '127.0.0.1' } });
  t.teardown(() => behind.close());
  await signUpFrom(behind, 4, { 'x-forwarded-for': '203.0.113.7' });
  await signUpFrom(behind, 5, { 'x-forwarded-for': '198.51.100.1, 203.0.113.8' });
  t.equal(ipOf(proxied, 0), '203.0.113.7', 'behind the trusted proxy: the client it names');
  t.equal(ipOf(proxied, 1), '203.0.113.8', 'the address the proxy added, not the one the client wrote before it');
});
