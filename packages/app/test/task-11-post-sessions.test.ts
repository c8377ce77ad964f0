import { createHash } from 'node:crypto';
import t from 'tap';
import { encodings, send, signUp, storedSessionsOf, testApp } from './fixtures/app.ts';

// One app and database for the file; each test uses accounts of its own.
const { app, db } = await testApp(t);

/** Whether `stored` is `token` as the database keeps it: as given, or its SHA-256 digest once task 22 is done. */
function holds(stored: string | null, token: string | null | undefined): boolean {
  return typeof token === 'string' && (stored === token || stored === createHash('sha256').update(token).digest('hex'));
}

/** The attributes of the session cookie, each checked on its own so a failure says which one is missing. */
const cookieAttributes: Array<[string, RegExp]> = [
  ['HttpOnly (scripts cannot read it)', /; HttpOnly(;|$)/],
  ['Path=/ (sent on every path)', /; Path=\/(;|$)/],
  ['SameSite=Lax', /; SameSite=Lax(;|$)/],
];

for (const encoding of encodings) {
  t.test(`POST /sessions (${encoding}) logs in: {"email", "message": "logged in"} and a session_id cookie`, async (t) => {
    const email = `bob-${encoding}@example.com`;
    await signUp(app, email, 'b4l0u');
    const response = await send(app, 'POST', '/sessions', { email, password: 'b4l0u' }, encoding);
    t.equal(response.statusCode, 200, `a log-in is a 200, got ${response.statusCode} ${response.body}`);
    t.same(response.json(), { email, message: 'logged in' }, 'the body is exactly {"email": <as sent>, "message": "logged in"}');
    const setCookie = String(response.headers['set-cookie']);
    t.type(response.headers['set-cookie'], 'string', `exactly one cookie is set, got ${setCookie}`);
    const match = /^session_id=([^;]+)/.exec(setCookie);
    t.ok(match, `the cookie is named session_id, got Set-Cookie: ${setCookie}`);
    for (const [attribute, pattern] of cookieAttributes) t.match(setCookie, pattern, `the cookie has ${attribute}, got Set-Cookie: ${setCookie}`);
    t.ok((await storedSessionsOf(db, email)).some((stored) => holds(stored, match?.[1])), 'the cookie holds the session id app.auth.createSession stored');
  });

  t.test(`POST /sessions (${encoding}) with a wrong password or an unknown email is a 401 and sets no cookie`, async (t) => {
    const email = `carol-${encoding}@example.com`;
    await signUp(app, email, 'b4l0u');
    for (const fields of [
      { email, password: 'wrong' },
      { email, password: 'B4L0U' },
      { email: 'nobody@example.com', password: 'b4l0u' },
    ]) {
      const response = await send(app, 'POST', '/sessions', fields, encoding);
      const what = `${fields.email} / ${fields.password}`;
      t.equal(response.statusCode, 401, `${what}: wrong credentials are a 401 (ERR_INVALID_CREDENTIALS in src/plugins/errors.ts; not 200, not 403), got ${response.statusCode}`);
      t.match(response.json(), { statusCode: 401, message: /wrong email or password/ }, what);
      t.equal(response.headers['set-cookie'], undefined, `${what}: no cookie is set`);
    }
    t.same(await storedSessionsOf(db, email), [], 'no session was created: check the password before createSession');
  });
}

t.test('the login email is trimmed and case-insensitive, and echoed as sent', async (t) => {
  await signUp(app, 'Dave@Example.com', 'b4l0u');
  const response = await send(app, 'POST', '/sessions', { email: '  DAVE@example.COM ', password: 'b4l0u' }, 'json');
  t.equal(response.statusCode, 200, `"  DAVE@example.COM " logs Dave@Example.com in (preValidation: trimEmail), got ${response.statusCode}`);
  t.same(response.json(), { email: 'DAVE@example.COM', message: 'logged in' }, 'the email is echoed as sent (trimmed), not as stored');
});

t.test('a missing or invalid field is a 400, before the credentials are checked', async (t) => {
  await signUp(app, 'erin@example.com', 'b4l0u');
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ password: 'b4l0u' }, /body must have the field 'email'/],
    [{ email: 'erin@example.com' }, /body must have the field 'password'/],
    [{ email: 'not-an-email', password: 'b4l0u' }, /body\/email/],
    [{ email: 'erin@example.com', password: '' }, /body\/password/],
    [{ email: 'erin@example.com', password: 'x'.repeat(73) }, /body\/password/],
  ];
  for (const encoding of encodings) {
    for (const [fields, message] of cases) {
      const response = await send(app, 'POST', '/sessions', fields, encoding);
      t.equal(response.statusCode, 400, `${encoding} ${JSON.stringify(fields).slice(0, 60)}`);
      t.match(response.json(), { message }, `${encoding} ${JSON.stringify(fields).slice(0, 60)}: the body schema names the field`);
      t.equal(response.headers['set-cookie'], undefined, `${encoding} ${JSON.stringify(fields).slice(0, 60)}: no cookie`);
    }
  }
});
