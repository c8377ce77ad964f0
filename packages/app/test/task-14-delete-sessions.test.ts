import { createHash } from 'node:crypto';
import t from 'tap';
import { logIn, send, signUp, testApp } from './fixtures/app.ts';

// One app and database for the file; each test uses accounts of its own.
const { app, db } = await testApp(t);

/** Whether `stored` is `token` as the database keeps it: as given, or its SHA-256 digest once task 22 is done. */
function holds(stored: string | null, token: string | null | undefined): boolean {
  return typeof token === 'string' && (stored === token || stored === createHash('sha256').update(token).digest('hex'));
}

/** Whether the database still holds the session `token`: in its user's row, or (from task 32 on) in the sessions table. */
async function isStored(token: string): Promise<boolean> {
  const inRows = (await db.knex('users').whereNotNull('session_id').pluck('session_id')) as string[];
  const inTable = (await db.knex('sessions').pluck('token_digest')) as string[];
  return [...inRows, ...inTable].some((stored) => holds(stored, token));
}

t.test('DELETE /sessions ends the session, clears the cookie and redirects to /', async (t) => {
  await signUp(app, 'bob@example.com', 'b4l0u');
  const sessionId = await logIn(app, 'bob@example.com', 'b4l0u');
  const response = await send(app, 'DELETE', '/sessions', undefined, 'form', sessionId);
  t.equal(response.statusCode, 302, `a log-out is a 302 redirect (not 200, 301 or 303), got ${response.statusCode} ${response.body}`);
  t.equal(response.headers.location, '/', `it redirects to / (Location: /), got ${String(response.headers.location)}`);
  t.match(
    String(response.headers['set-cookie']),
    /^session_id=; Max-Age=0; Path=\/;.*HttpOnly/,
    `the session_id cookie is cleared with the options it was set with (Path=/, HttpOnly), got Set-Cookie: ${String(response.headers['set-cookie'])}`,
  );
  t.notOk(await isStored(sessionId), 'the session is destroyed in the database (app.auth.destroySession), not only the cookie');

  const landing = await app.inject({ method: 'GET', url: String(response.headers.location) });
  t.same(landing.json(), { message: 'Bienvenue' }, 'a client that follows lands on GET /');

  const again = await send(app, 'DELETE', '/sessions', undefined, 'form', sessionId);
  t.equal(again.statusCode, 403, `the old cookie no longer names a session: a second log-out is a 403, got ${again.statusCode}`);
});

t.test('DELETE /sessions only ends the session of the cookie sent', async (t) => {
  await signUp(app, 'carol@example.com', 'b4l0u');
  await signUp(app, 'alice@example.com', 'l1c3');
  const carol = await logIn(app, 'carol@example.com', 'b4l0u');
  const alice = await logIn(app, 'alice@example.com', 'l1c3');
  t.equal((await send(app, 'DELETE', '/sessions', undefined, 'form', carol)).statusCode, 302, 'carol logs out');
  t.notOk(await isStored(carol), 'carol\'s session is destroyed');
  t.ok(await isStored(alice), 'alice, whose cookie was not sent, stays logged in');
});

t.test('DELETE /sessions without a valid session cookie is a 403', async (t) => {
  await signUp(app, 'dave@example.com', 'b4l0u');
  const sessionId = await logIn(app, 'dave@example.com', 'b4l0u');
  const attempts: Array<[string, Record<string, string>]> = [
    ['no cookie', {}],
    ['an unknown session id', { cookie: 'session_id=3f1c3cb4-34e8-4c61-9f0a-2f5b9b52c0de' }],
    ['an empty session id', { cookie: 'session_id=' }],
    ['another cookie only', { cookie: 'theme=dark' }],
    ['a NUL byte, percent-encoded', { cookie: 'session_id=%00' }],
    ['a session id far too long', { cookie: `session_id=${'a'.repeat(5000)}` }],
  ];
  for (const [what, headers] of attempts) {
    const response = await app.inject({ method: 'DELETE', url: '/sessions', headers });
    t.equal(response.statusCode, 403, `${what}: a 403 (ERR_NO_SESSION in src/plugins/errors.ts; not 401, not 302), got ${response.statusCode}`);
    t.match(response.json(), { statusCode: 403, message: /no valid session/ }, what);
  }
  t.ok(await isStored(sessionId), 'the real session is untouched');
});
