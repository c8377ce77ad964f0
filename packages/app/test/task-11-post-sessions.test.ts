import t from 'tap';
import { encodings, send, signUp, testApp } from './fixtures/app.ts';

// One app and database for the file; each test uses accounts of its own.
const { app, db } = await testApp(t);

const cookieAttributes = /^session_id=([^;]+); Path=\/; HttpOnly; SameSite=Lax$/;

for (const encoding of encodings) {
  t.test(`POST /sessions (${encoding}) logs in: {"email", "message": "logged in"} and a session_id cookie`, async (t) => {
    const email = `bob-${encoding}@example.com`;
    await signUp(app, email, 'b4l0u');
    const response = await send(app, 'POST', '/sessions', { email, password: 'b4l0u' }, encoding);
    t.equal(response.statusCode, 200);
    t.same(response.json(), { email, message: 'logged in' });
    const setCookie = response.headers['set-cookie'];
    t.type(setCookie, 'string', 'exactly one cookie is set');
    const match = cookieAttributes.exec(String(setCookie));
    t.ok(match, `Set-Cookie is "session_id=<token>; Path=/; HttpOnly; SameSite=Lax", got ${String(setCookie)}`);
    t.equal((await db.findUserBy({ email })).sessionId, match?.[1], 'the cookie holds the stored session id');
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
      t.equal(response.statusCode, 401, JSON.stringify(fields));
      t.match(response.json(), { statusCode: 401, message: /wrong email or password/ });
      t.equal(response.headers['set-cookie'], undefined);
    }
    t.equal((await db.findUserBy({ email })).sessionId, null, 'no session was created');
  });
}

t.test('the login email is trimmed and case-insensitive, and echoed as sent', async (t) => {
  await signUp(app, 'Dave@Example.com', 'b4l0u');
  const response = await send(app, 'POST', '/sessions', { email: '  DAVE@example.COM ', password: 'b4l0u' }, 'json');
  t.equal(response.statusCode, 200);
  t.same(response.json(), { email: 'DAVE@example.COM', message: 'logged in' });
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
      t.match(response.json(), { message });
      t.equal(response.headers['set-cookie'], undefined);
    }
  }
});
