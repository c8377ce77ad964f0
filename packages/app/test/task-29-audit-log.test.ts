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
const password = 'S3cr3t-pw-9';
const newPassword = 'N3w-pw-42';
await send(app, 'POST', '/users', { email: 'audited@example.com', password });
const user = await db.findUserBy({ email: 'audited@example.com' });
await send(app, 'POST', '/sessions', { email: 'audited@example.com', password: 'Wr0ng-guess' });
await send(app, 'POST', '/sessions', { email: 'nobody@example.com', password: 'Wr0ng-guess' });
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
    const line = logged[index];
    t.equal(line?.userId ?? null, userId, `${event} #${index}: userId`);
    t.equal(line?.ip, '127.0.0.1', `${event} #${index}: the client address`);
    t.type(line?.reqId, 'string', `${event} #${index}: the request id ties it to the request's other lines`);
    if (limit !== undefined) t.equal(line?.limit, limit, `${event} #${index}: which limit`);
  }
});

t.test('no log line holds a password, a token, a digest of one, or the hash', async (t) => {
  const digests = (value: string) => [createHash('sha256').update(value).digest('hex'), createHash('sha256').update(value).digest('base64url'), createHash('sha256').update(value).digest('base64')];
  const secrets: Array<[string, string]> = [
    ['the password', password],
    ['a wrong password', 'Wr0ng-guess'],
    ['the new password', newPassword],
    ['the session id', sessionId],
    ['the reset token', token],
    ['the bcrypt hash', hash],
    ...digests(sessionId).map((d): [string, string] => ['a digest of the session id', d]),
    ...digests(token).map((d): [string, string] => ['a digest of the reset token', d]),
  ];
  const all = text();
  for (const [name, secret] of secrets) t.notOk(all.includes(secret), `the log does not contain ${name}`);
  for (const line of events()) {
    t.same(Object.keys(line).filter((key) => !['level', 'time', 'pid', 'hostname', 'reqId', 'msg', 'audit', 'userId', 'ip', 'limit'].includes(key)), [], `${line.audit}: no other field`);
  }
});
