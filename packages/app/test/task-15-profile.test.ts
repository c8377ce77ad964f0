import t from 'tap';
import { logIn, send, signUp, testApp } from './fixtures/app.ts';

// One app and database for the file; each test uses accounts of its own.
const { app } = await testApp(t);

t.test('GET /profile answers the email of the session\'s user', async (t) => {
  await signUp(app, 'Bob@Example.com', 'b4l0u');
  await signUp(app, 'alice@example.com', 'l1c3');
  const bob = await logIn(app, 'bob@example.com', 'b4l0u');
  const alice = await logIn(app, 'alice@example.com', 'l1c3');
  const response = await send(app, 'GET', '/profile', undefined, 'form', bob);
  t.equal(response.statusCode, 200, `GET /profile with bob's cookie is a 200, got ${response.statusCode} ${response.body}`);
  t.same(response.json(), { email: 'Bob@Example.com' }, 'bob\'s email as registered (Bob@Example.com), from the session\'s user');
  t.same((await send(app, 'GET', '/profile', undefined, 'form', alice)).json(), { email: 'alice@example.com' }, 'alice\'s cookie gives alice\'s email');
});

t.test('GET /profile without a valid session cookie is a 403', async (t) => {
  await signUp(app, 'carol@example.com', 'b4l0u');
  await logIn(app, 'carol@example.com', 'b4l0u');
  const attempts: Array<[string, Record<string, string>]> = [
    ['no cookie', {}],
    ['an unknown session id', { cookie: 'session_id=3f1c3cb4-34e8-4c61-9f0a-2f5b9b52c0de' }],
    ['an empty session id', { cookie: 'session_id=' }],
    ['a NUL byte, percent-encoded', { cookie: 'session_id=%00' }],
    ['non-ASCII text', { cookie: 'session_id=%C3%A9t%C3%A9' }],
    ['a session id far too long', { cookie: `session_id=${'a'.repeat(5000)}` }],
  ];
  for (const [what, headers] of attempts) {
    const response = await app.inject({ method: 'GET', url: '/profile', headers });
    t.equal(response.statusCode, 403, `${what}: a 403 (throw NoSessionError; not 401, not 200), got ${response.statusCode} ${response.body}`);
    t.match(response.json(), { statusCode: 403, message: /no valid session/ }, what);
  }
});
