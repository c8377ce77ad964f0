/**
 * Whatever a client sends, the answer is a 4xx JSON error with a message (or,
 * for odd but valid input, the normal answer): never a 5xx, never a half-written row.
 */
import t, { type Test } from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { BODY_LIMIT, buildApp } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';
import { send, signUp, testApp, type TestApp } from './fixtures/app.ts';

type Fields = Record<string, unknown>;

/** Every route that takes a body, with a body it accepts. */
const routes: Array<{ method: 'POST' | 'PUT'; url: string; valid: Fields }> = [
  { method: 'POST', url: '/users', valid: { email: 'new@example.com', password: 'b4l0u' } },
  { method: 'POST', url: '/sessions', valid: { email: 'bob@example.com', password: 'b4l0u' } },
  { method: 'POST', url: '/reset_password', valid: { email: 'bob@example.com' } },
  { method: 'PUT', url: '/reset_password', valid: { email: 'bob@example.com', reset_token: 'not-issued', new_password: 'n3w' } },
  { method: 'POST', url: '/users/confirm', valid: { confirmation_token: 'not-issued' } },
  // Without a session cookie: a valid body is a 403, so only the bad ones show here.
  { method: 'PUT', url: '/password', valid: { current_password: 'b4l0u', new_password: 'n3w' } },
];

/** Bob, the only account; every test checks nothing else was written. */
async function setUp(t: Test): Promise<TestApp> {
  const fixture = await testApp(t);
  await signUp(fixture.app, 'bob@example.com', 'b4l0u');
  return fixture;
}

async function usersWritten(fixture: TestApp): Promise<Array<{ email: string; session_id: string | null; reset_token: string | null }>> {
  return fixture.db.knex('users').select('email', 'session_id', 'reset_token').orderBy('id');
}

function assertClientError(t: Test, response: LightMyRequestResponse, status: number | RegExp, what: string): void {
  if (typeof status === 'number') t.equal(response.statusCode, status, what);
  else t.match(String(response.statusCode), status, what);
  t.match(response.headers['content-type'], /^application\/json/, `${what}: JSON`);
  const body = response.json<{ message?: unknown }>();
  t.type(body.message, 'string', `${what}: has a message`);
  t.not(body.message, '', `${what}: the message is not empty`);
}

t.test('malformed and unsupported bodies', async (t) => {
  const fixture = await setUp(t);
  const raw: Array<[string, string | undefined, string | Buffer | undefined, number]> = [
    ['malformed JSON', 'application/json', '{"email": "bob@example.com",', 400],
    ['JSON that is only a string', 'application/json', '"bob@example.com"', 400],
    ['JSON null', 'application/json', 'null', 400],
    ['a JSON array', 'application/json', '[{"email": "bob@example.com"}]', 400],
    ['an empty JSON body', 'application/json', '', 400],
    ['JSON with __proto__', 'application/json', '{"__proto__": {"admin": true}, "email": "bob@example.com"}', 400],
    ['no body at all', undefined, undefined, 400],
    ['an empty form', 'application/x-www-form-urlencoded', '', 400],
    ['plain text', 'text/plain', 'email=bob@example.com', 415],
    ['XML', 'application/xml', '<email>bob@example.com</email>', 415],
    ['multipart', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nbob@example.com\r\n--x--\r\n', 415],
    ['a JSON body over the limit', 'application/json', JSON.stringify({ email: 'bob@example.com', password: 'x'.repeat(BODY_LIMIT) }), 413],
    ['a form body over the limit', 'application/x-www-form-urlencoded', `email=bob%40example.com&password=${'x'.repeat(BODY_LIMIT)}`, 413],
  ];
  for (const route of routes) {
    for (const [what, contentType, payload, status] of raw) {
      const response = await fixture.app.inject({
        method: route.method,
        url: route.url,
        ...(contentType === undefined ? {} : { headers: { 'content-type': contentType } }),
        ...(payload === undefined ? {} : { payload }),
      });
      assertClientError(t, response, status, `${route.method} ${route.url}: ${what}`);
    }
  }
  t.same(await usersWritten(fixture), [{ email: 'bob@example.com', session_id: null, reset_token: null }], 'nothing was written');
});

t.test('fields of the wrong type, empty, huge, or holding control characters', async (t) => {
  const fixture = await setUp(t);
  const badValues: Array<[string, unknown]> = [
    ['an array of strings', ['bob@example.com', 'b4l0u']],
    ['a one-element array', ['bob@example.com']],
    ['a number', 12345],
    ['a boolean', true],
    ['null', null],
    ['an object', { value: 'bob@example.com' }],
    ['an empty string', ''],
    ['a huge string', 'b'.repeat(10_000)],
    ['a NUL byte', 'bob\u0000@example.com'],
  ];
  // A control character in an email or a token (passwords: their own test below).
  const controlCharacter = 'bob\u0007@example.com';
  for (const route of routes) {
    for (const field of Object.keys(route.valid)) {
      for (const [what, value] of badValues) {
        const response = await fixture.app.inject({ method: route.method, url: route.url, payload: { ...route.valid, [field]: value } });
        assertClientError(t, response, 400, `${route.method} ${route.url}: ${field} is ${what}`);
        t.match(response.json(), { message: new RegExp(`body/${field}`) }, 'the message names the field');
      }
      if (field === 'email' || field.endsWith('_token')) {
        const response = await fixture.app.inject({ method: route.method, url: route.url, payload: { ...route.valid, [field]: controlCharacter } });
        assertClientError(t, response, 400, `${route.method} ${route.url}: ${field} holds a control character`);
      }
    }
  }
  t.same(await usersWritten(fixture), [{ email: 'bob@example.com', session_id: null, reset_token: null }], 'nothing was written');
});

t.test('a token holding a control character, C1 controls included, is a 400 before it is looked up', async (t) => {
  const fixture = await setUp(t);
  for (const control of ['\u0007', '\u007f', '\u0085', '\u009b']) {
    const code = `U+${control.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    const token = `8f6c5a0e-3c1b-4d2a-9e7f-${control}1a2b3c4d5e6f`;
    const reset = await send(fixture.app, 'PUT', '/reset_password', { email: 'bob@example.com', reset_token: token, new_password: 'n3w' }, 'json');
    assertClientError(t, reset, 400, `PUT /reset_password: reset_token holds ${code}`);
    t.match(reset.json(), { message: /body\/reset_token/ }, 'the message names the field');
    const confirm = await send(fixture.app, 'POST', '/users/confirm', { confirmation_token: token }, 'json');
    assertClientError(t, confirm, 400, `POST /users/confirm: confirmation_token holds ${code}`);
    t.match(confirm.json(), { message: /body\/confirmation_token/ }, 'the message names the field');
  }
  t.same(await usersWritten(fixture), [{ email: 'bob@example.com', session_id: null, reset_token: null }], 'nothing was written');
});

t.test('form-encoded oddities: repeated keys, bracket keys, encoded NUL bytes, broken escapes', async (t) => {
  const fixture = await setUp(t);
  const forms: Array<[string, string, number | RegExp]> = [
    ['a repeated email', 'email=bob%40example.com&email=eve%40example.com&password=b4l0u&reset_token=x&new_password=y', 400],
    ['bracket keys', 'email[]=bob%40example.com&password[]=b4l0u&reset_token[]=x&new_password[]=y', 400],
    ['a percent-encoded NUL', 'email=bob%00%40example.com&password=b4l0u&reset_token=x&new_password=y', 400],
    ['a NUL in the password', 'email=bob%40example.com&password=b4%00l0u&reset_token=x&new_password=n%00w', 400],
    ['broken percent escapes', 'email=bob%ZZ%40example.com&password=%E0%A4%A&reset_token=%&new_password=%%', /^4\d\d$/],
    ['prototype keys', '__proto__=x&constructor=y&email=bob%40example.com&password=b4l0u&reset_token=x&new_password=y', /^4\d\d$|^200$/],
  ];
  for (const route of routes) {
    for (const [what, payload, status] of forms) {
      const answer = await fixture.app.inject({ method: route.method, url: route.url, payload, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      t.ok(answer.statusCode < 500, `${route.method} ${route.url}: ${what} is not a 5xx (${answer.statusCode})`);
      if (answer.statusCode !== 200) assertClientError(t, answer, status, `${route.method} ${route.url}: ${what}`);
    }
  }
  const emails = (await usersWritten(fixture)).map((u) => u.email);
  t.notOk(emails.some((e) => e.includes('\u0000')), 'no NUL byte reached the database');
});

t.test('unicode is stored and echoed as sent; invalid UTF-8 and lone surrogates are never a 5xx', async (t) => {
  const fixture = await setUp(t);
  const email = 'Zoë.用户😀@exämple.com';
  const password = 'pässwörd🔑';
  const signUp = await fixture.app.inject({ method: 'POST', url: '/users', payload: { email, password } });
  t.equal(signUp.statusCode, 200);
  t.same(signUp.json(), { email, message: 'user created' });
  const logIn = await send(fixture.app, 'POST', '/sessions', { email: email.toUpperCase(), password });
  t.equal(logIn.statusCode, 200, 'the unicode email matches case-insensitively');
  t.same(logIn.json(), { email: email.toUpperCase(), message: 'logged in' });
  const profile = await fixture.app.inject({ method: 'GET', url: '/profile', cookies: { session_id: logIn.cookies[0]?.value ?? '' } });
  t.same(profile.json(), { email });

  for (const route of routes) {
    const invalidUtf8 = Buffer.concat([Buffer.from('{"email":"b'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('@example.com","password":"x","reset_token":"x","new_password":"x"}')]);
    const garbled = await fixture.app.inject({ method: route.method, url: route.url, payload: invalidUtf8, headers: { 'content-type': 'application/json' } });
    t.ok(garbled.statusCode < 500, `${route.method} ${route.url}: invalid UTF-8 is not a 5xx (${garbled.statusCode})`);
    const surrogate = await fixture.app.inject({
      method: route.method,
      url: route.url,
      payload: '{"email":"lone\\ud800@example.com","password":"\\udfff","reset_token":"\\ud800","new_password":"\\udfff"}',
      headers: { 'content-type': 'application/json' },
    });
    t.ok(surrogate.statusCode < 500, `${route.method} ${route.url}: lone surrogates are not a 5xx (${surrogate.statusCode})`);
  }
});

t.test('cookie-only routes ignore bodies and refuse junk sessions with a 403', async (t) => {
  const fixture = await setUp(t);
  const sessionId = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';
  const cookieOnly = [['GET', '/profile'], ['DELETE', '/sessions'], ['GET', '/sessions'], ['DELETE', '/sessions/others'], ['DELETE', `/sessions/${sessionId}`]] as const;
  for (const [method, url] of cookieOnly) {
    for (const cookie of ['session_id=%00', 'session_id="quoted"', `session_id=${'%F0'.repeat(300)}`, 'session_id=a; session_id=b', '=;;=;', 'session_id']) {
      const response = await fixture.app.inject({ method, url, headers: { cookie } });
      assertClientError(t, response, 403, `${method} ${url} with Cookie: ${cookie.slice(0, 30)}`);
    }
  }
});

t.test('an email of 251 to 254 characters passes the field rule but not the 250-character column: a 400, nothing written', async (t) => {
  const fixture = await setUp(t);
  const email = `${'b'.repeat(240)}@example.com`; // 252 characters
  const signUp = await send(fixture.app, 'POST', '/users', { email, password: 'b4l0u' }, 'json');
  assertClientError(t, signUp, 400, 'sign-up');
  t.match(signUp.json(), { code: 'ERR_INVALID_ARGUMENT', message: /at most 250 characters/ });
  t.equal((await send(fixture.app, 'POST', '/sessions', { email, password: 'b4l0u' })).statusCode, 401, 'no such account can log in');
  t.equal((await send(fixture.app, 'POST', '/reset_password', { email })).statusCode, 403, 'nor ask for a reset');
  t.same(await usersWritten(fixture), [{ email: 'bob@example.com', session_id: null, reset_token: null }], 'nothing was written');
});

t.test('an email with white space or a character mail headers give a meaning to is a 400 on every route; nothing is written', async (t) => {
  const fixture = await setUp(t);
  const refused: Array<[string, string]> = [
    ['a space', 'bob smith@example.com'],
    ['a no-break space', 'bob\u00a0smith@example.com'],
    ['a display name', 'Bob <bob@example.com>'],
    ['two addresses', 'bob@example.com,eve@example.net'],
    ['a semicolon', 'bob@example.com;eve@example.net'],
    ['a group', 'friends:eve@example.net'],
    ['a comment', 'bob(eve@example.net)@example.com'],
    ['quotes', '"bob"@example.com'],
    ['a backslash', 'bob\\@example.com'],
    ['a domain literal', 'bob@[127.0.0.1]'],
    ['a zero-width space', 'bob\u200b@example.com'],
    ['a line break (header injection)', 'bob@example.com\r\nBcc: eve@example.net'],
  ];
  for (const route of routes.filter((r) => 'email' in r.valid)) {
    for (const [what, email] of refused) {
      const response = await send(fixture.app, route.method, route.url, { ...route.valid, email } as Record<string, string>, 'json');
      assertClientError(t, response, 400, `${route.method} ${route.url}: ${what}`);
      t.match(response.json(), { message: /body\/email must be an email address: .*no white space, control characters or any of <>\(\)\[\],;:"\\/ }, `${route.method} ${route.url}: ${what}: the rule is named`);
    }
  }
  // Full-width forms pass the field rule but become < > and @ under NFKC, which the library refuses: a sign-up is
  // a 400; a look-up finds no account, as for an address too long for the column.
  for (const email of ['bob\uff1ceve\uff1e@example.com', 'bob\uff20eve.example.net@example.com']) {
    const signUp = await send(fixture.app, 'POST', '/users', { email, password: 'b4l0u' });
    assertClientError(t, signUp, 400, `sign-up with ${email}`);
    t.match(signUp.json(), { code: 'ERR_INVALID_ARGUMENT', message: /white space or any of|exactly one @/ });
    t.equal((await send(fixture.app, 'POST', '/sessions', { email, password: 'b4l0u' })).statusCode, 401, `${email}: no account logs in`);
    t.equal((await send(fixture.app, 'POST', '/reset_password', { email })).statusCode, 403, `${email}: nor asks for a reset`);
  }
  t.same(await usersWritten(fixture), [{ email: 'bob@example.com', session_id: null, reset_token: null }], 'nothing was written');
});

t.test('an email with characters a form must encode signs up, logs in and is echoed as sent', async (t) => {
  const fixture = await setUp(t);
  for (const [email, encoding] of [
    ['bob+news@example.com', 'form'],
    ["o'brien&co=1%2@example.com", 'form'],
    ['a/b?c#d!$*{|}~^`@example.com', 'json'],
  ] as const) {
    const signUp = await send(fixture.app, 'POST', '/users', { email, password: 'b4l0u' }, encoding);
    t.same(signUp.json(), { email, message: 'user created' }, `${email} (${encoding}): signed up`);
    const logIn = await send(fixture.app, 'POST', '/sessions', { email: email.toUpperCase(), password: 'b4l0u' }, encoding === 'form' ? 'json' : 'form');
    t.equal(logIn.statusCode, 200, `${email}: logs in, in the other encoding and in upper case`);
  }
  const plus = await send(fixture.app, 'POST', '/sessions', { email: 'bob news@example.com', password: 'b4l0u' });
  t.equal(plus.statusCode, 400, 'a + sent unencoded in a form is a space: refused, not another account');
});

t.test('full-width letters are the same address: ｂｏｂ@example.com is bob', async (t) => {
  const fixture = await setUp(t);
  const fullWidth = '\uff42\uff4f\uff42@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com';
  const signUp = await send(fixture.app, 'POST', '/users', { email: fullWidth, password: 'other' });
  t.equal(signUp.statusCode, 400);
  t.same(signUp.json(), { message: 'email already registered' }, 'no second account');
  const logIn = await send(fixture.app, 'POST', '/sessions', { email: fullWidth, password: 'b4l0u' });
  t.equal(logIn.statusCode, 200, "bob's password opens bob's account");
  const profile = await fixture.app.inject({ method: 'GET', url: '/profile', cookies: { session_id: logIn.cookies[0]?.value ?? '' } });
  t.same(profile.json(), { email: 'bob@example.com' }, "the profile is bob's, as he signed up");
});

t.test('a password with a control character other than tab is a 400 in every password field; a tab is kept; NFC is one password', async (t) => {
  const fixture = await setUp(t);
  for (const route of routes) {
    for (const field of Object.keys(route.valid).filter((name) => name.endsWith('password'))) {
      for (const [what, password] of [['a line feed', 'pass\nword'], ['escape', 'pass\u001bword'], ['DEL', 'pass\u007fword'], ['a C1 control', 'pass\u0085word']]) {
        const response = await send(fixture.app, route.method, route.url, { ...route.valid, [field]: password } as Record<string, string>, 'json');
        assertClientError(t, response, 400, `${route.method} ${route.url}: ${field} with ${what}`);
        t.match(response.json(), { message: `body/${field} must be from 1 to 72 bytes in UTF-8, without control characters other than tab` });
      }
    }
  }
  t.equal((await send(fixture.app, 'POST', '/users', { email: 'tab@example.com', password: 'pass\tword' })).statusCode, 200, 'a tab is fine');
  t.equal((await send(fixture.app, 'POST', '/users', { email: 'cafe@example.com', password: 'cafe\u0301' })).statusCode, 200);
  t.equal((await send(fixture.app, 'POST', '/sessions', { email: 'cafe@example.com', password: 'caf\u00e9' })).statusCode, 200, 'an accent typed apart or composed: one password');
});

t.test('failed logins in full-width spellings count against the plain account', async (t) => {
  const db = await testDB(t);
  const app = await buildApp({ db, bcryptCost: 4, security: { rateLimits: { loginFailuresPerAccount: 2 } } });
  t.teardown(() => app.close());
  await signUp(app, 'bob@example.com', 'b4l0u');
  for (const email of ['\uff42ob@example.com', 'b\uff4fb@example.com']) {
    t.equal((await send(app, 'POST', '/sessions', { email, password: 'wrong' })).statusCode, 401, `${email}: a failed login of bob's account`);
  }
  t.equal((await send(app, 'POST', '/sessions', { email: 'bo\uff42@example.com', password: 'wrong' })).statusCode, 429, 'a third spelling finds the limit reached');
});
