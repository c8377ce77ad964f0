import t, { type Test } from 'tap';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppOptions } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';
import { encodings, logIn, send, signUp } from './fixtures/app.ts';
import { logCapture } from './fixtures/log.ts';

type Security = NonNullable<AppOptions['security']>;

/** An app on a database of its own; `security.passwordPolicy: 'nist'` turns the production rule on in the course profile. */
async function appWith(t: Test, options: Omit<AppOptions, 'db'> = {}): Promise<FastifyInstance> {
  const app = await buildApp({ db: await testDB(t), bcryptCost: 4, ...options });
  t.teardown(() => app.close());
  return app;
}
const nist: Security = { passwordPolicy: 'nist' };

/** Passwords the production rule accepts: 15 characters or more, on no list, no context word. */
const strong = 'grass oven kite';
const stronger = 'lantern quietly humming';

/** A refusal by the password policy: 400, the code, and a message that names the rule. */
function refused(t: Test, response: LightMyRequestResponse, rule: RegExp, what: string): void {
  t.equal(response.statusCode, 400, `${what}: 400`);
  t.match(response.json(), { code: 'ERR_WEAK_PASSWORD', message: rule }, `${what}: the message says why`);
}
const tooShort = /too short: use at least 15 characters/;
const tooCommon = /too common/;
const context = /must not contain the name of the service or the part of the email before the @/;

const signUpAs = (app: FastifyInstance, email: string, password: string) => send(app, 'POST', '/users', { email, password });

/** `PUT /password` with the session cookie, in either encoding. */
const change = (app: FastifyInstance, sessionId: string | undefined, fields: Record<string, string>, encoding: 'form' | 'json' = 'form') =>
  send(app, 'PUT', '/password', fields, encoding, sessionId);

const sessionCookie = (response: LightMyRequestResponse) => response.cookies.find((cookie) => cookie.name === 'session_id');

t.test('production refuses short and common passwords at sign-up; the course profile keeps the contract', async (t) => {
  const production = await appWith(t, { profile: 'production' });
  refused(t, await signUpAs(production, 'bob@example.com', 'b4l0u'), tooShort, 'production: a 5-character password');
  refused(t, await signUpAs(production, 'bob@example.com', 'passwordpassword'), tooCommon, 'production: passwordpassword');
  t.equal((await signUpAs(production, 'bob@example.com', strong)).statusCode, 200, 'production: a long, uncommon password is taken (and the refusals created no account)');

  const course = await appWith(t);
  t.equal((await signUpAs(course, 'bob@example.com', 'b4l0u')).statusCode, 200, 'course profile: the contract\'s 5-character password is taken');
  t.equal((await signUpAs(course, 'amy@example.com', 'passwordpassword')).statusCode, 200, 'course profile: no blocklist either');

  const courseWithPolicy = await appWith(t, { security: nist });
  refused(t, await signUpAs(courseWithPolicy, 'bob@example.com', 'b4l0u'), tooShort, 'course profile with passwordPolicy nist');
});

t.test('the length is counted in characters: Unicode code points after NFC, not bytes or UTF-16 units', async (t) => {
  const app = await appWith(t, { security: nist });
  const cases: Array<[string, string, boolean]> = [
    ['14 ASCII characters', 'grass oven kit', false],
    ['15 ASCII characters', strong, true],
    ['14 Japanese characters (42 bytes)', '春の雨が静かに古い石の道を濡', false],
    ['15 Japanese characters (45 bytes)', '春の雨が静かに古い石の道を濡ら', true],
    ['8 emoji (16 UTF-16 units)', '🦊🌙🍵🎻🚲🌵🧭🪁', false],
    ['14 characters typed with combining accents (19 code points before NFC)', 'déjà-vu été ça'.normalize('NFD'), false],
    ['14 precomposed characters (19 code points in NFD)', 'déjà-vu été ça', false],
    ['15 characters once composed', 'déjà-vu été ça!'.normalize('NFD'), true],
  ];
  for (const [index, [what, password, accepted]] of cases.entries()) {
    const response = await signUpAs(app, `len${index}@example.com`, password);
    if (accepted) t.equal(response.statusCode, 200, `${what}: accepted`);
    else refused(t, response, tooShort, what);
  }
});

t.test('the blocklist: common passwords, keyboard walks and patterns, in any letter case', async (t) => {
  const app = await appWith(t, { security: nist });
  for (const password of [
    'passwordpassword',
    'PassWordPassWord',
    '123456789012345',
    'qwertyuiopasdfgh',
    'QWERTYUIOPASDFGH',
    'iloveyouiloveyou',
    'Correct Horse Battery Staple',
    'contraseñacontraseña'.normalize('NFD'),
  ]) {
    refused(t, await signUpAs(app, 'carol@example.com', password), tooCommon, JSON.stringify(password));
  }
  t.equal((await signUpAs(app, 'carol@example.com', stronger)).statusCode, 200, 'a password on no list is taken');
});

t.test('context words: the service\'s name and the email\'s local part, in any letter case', async (t) => {
  const app = await appWith(t, { security: nist });
  refused(t, await signUpAs(app, 'Margaret.Smith@example.com', 'margaret.smith loves tea'), context, 'the local part');
  refused(t, await signUpAs(app, 'margaret.smith@example.com', 'MARGARET.SMITH loves tea'), context, 'the local part in capitals');
  refused(t, await signUpAs(app, 'dan@example.com', 'my hallpass account key'), context, 'the service\'s name');
  refused(t, await signUpAs(app, 'dan@example.com', 'HallPass forever and ever'), context, 'the service\'s name in another case');
  t.equal((await signUpAs(app, 'al@example.com', 'always travel light')).statusCode, 200, 'a local part under 4 characters is not a context word');
});

t.test('no composition rule: spaces, lower case only, any script are all fine', async (t) => {
  const app = await appWith(t, { security: nist });
  for (const [index, password] of ['purple walrus on a unicycle', 'onlylowercaseletters', 'ключ от старой двери'].entries()) {
    t.equal((await signUpAs(app, `free${index}@example.com`, password)).statusCode, 200, JSON.stringify(password));
  }
});

t.test('PUT /reset_password applies the policy too, and a refused password spends nothing', async (t) => {
  const app = await appWith(t, { security: nist });
  await signUp(app, 'erin@example.com', strong);
  const token = (await send(app, 'POST', '/reset_password', { email: 'erin@example.com' })).json().reset_token as string;
  refused(t, await send(app, 'PUT', '/reset_password', { email: 'erin@example.com', reset_token: token, new_password: 'sh0rt' }), tooShort, 'a short new password');
  refused(t, await send(app, 'PUT', '/reset_password', { email: 'erin@example.com', reset_token: token, new_password: '123456789012345' }), tooCommon, 'a common one');
  refused(t, await send(app, 'PUT', '/reset_password', { email: 'erin@example.com', reset_token: token, new_password: 'erin was here again' }), context, 'the email\'s local part');
  const reset = await send(app, 'PUT', '/reset_password', { email: 'erin@example.com', reset_token: token, new_password: stronger });
  t.equal(reset.statusCode, 200, 'the token still works after the refusals');
  t.equal((await send(app, 'POST', '/sessions', { email: 'erin@example.com', password: stronger })).statusCode, 200, 'the new password logs in');

  const course = await appWith(t);
  await signUp(course, 'erin@example.com', 'b4l0u');
  const courseToken = (await send(course, 'POST', '/reset_password', { email: 'erin@example.com' })).json().reset_token as string;
  const short = await send(course, 'PUT', '/reset_password', { email: 'erin@example.com', reset_token: courseToken, new_password: 'n3w' });
  t.equal(short.statusCode, 200, 'course profile: a 3-character new password is taken, as the contract says');
});

t.test('PUT /password: the current password changes it, the old session ends, the client gets a new one', async (t) => {
  const app = await appWith(t);
  for (const encoding of encodings) {
    const email = `frank-${encoding}@example.com`;
    await signUp(app, email, 'b4l0u');
    const old = await logIn(app, email, 'b4l0u');
    const response = await change(app, old, { current_password: 'b4l0u', new_password: 'n3w-b4l0u' }, encoding);
    t.equal(response.statusCode, 200, `${encoding}: 200`);
    t.same(response.json(), { email, message: 'Password updated' }, `${encoding}: the body`);
    const setCookie = String(response.headers['set-cookie']);
    t.match(setCookie, /^session_id=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/, `${encoding}: a new session cookie`);
    const fresh = sessionCookie(response)?.value;
    t.not(fresh, old, `${encoding}: a new session id, not the old one`);
    t.equal((await send(app, 'GET', '/profile', undefined, 'form', old)).statusCode, 403, `${encoding}: the old session opens nothing`);
    const profile = await send(app, 'GET', '/profile', undefined, 'form', fresh);
    t.equal(profile.statusCode, 200, `${encoding}: the new cookie is a session`);
    t.same(profile.json(), { email }, `${encoding}: of the same user`);
    t.equal((await send(app, 'POST', '/sessions', { email, password: 'b4l0u' })).statusCode, 401, `${encoding}: the old password no longer logs in`);
    t.equal((await send(app, 'POST', '/sessions', { email, password: 'n3w-b4l0u' })).statusCode, 200, `${encoding}: the new one does`);
  }
});

t.test('PUT /password: of several changes sent at once with the right current password, exactly one is made', async (t) => {
  const app = await appWith(t);
  await signUp(app, 'gina@example.com', 'b4l0u');
  const session = await logIn(app, 'gina@example.com', 'b4l0u');
  const tries = ['n3w-a', 'n3w-b', 'n3w-c', 'n3w-d'];
  const responses = await Promise.all(tries.map((password) => change(app, session, { current_password: 'b4l0u', new_password: password })));
  const made = responses.flatMap((response, index) => (response.statusCode === 200 ? [{ response, password: tries[index]! }] : []));
  t.equal(made.length, 1, 'one 200');
  for (const response of responses) {
    // A loser is told its current password is wrong: by the time its change was written, it no longer was.
    if (response.statusCode !== 200) t.ok([401, 403].includes(response.statusCode), `the others are refused (${response.statusCode})`);
  }
  const { response, password } = made[0]!;
  const profile = await send(app, 'GET', '/profile', undefined, 'form', sessionCookie(response)?.value);
  t.equal(profile.statusCode, 200, 'the cookie of the change made is a session');
  t.equal((await send(app, 'POST', '/sessions', { email: 'gina@example.com', password })).statusCode, 200, 'its password is the one stored');
  const others = tries.filter((other) => other !== password);
  for (const other of others) {
    t.equal((await send(app, 'POST', '/sessions', { email: 'gina@example.com', password: other })).statusCode, 401, `${other} was not stored`);
  }
});

t.test('Auth.changePassword ends every session of the user and voids a pending reset token', async (t) => {
  const app = await appWith(t);
  await signUp(app, 'gina@example.com', 'b4l0u');
  await signUp(app, 'hank@example.com', 'b4l0u');
  const elsewhere = await app.auth.createSession('gina@example.com');
  const hanks = await logIn(app, 'hank@example.com', 'b4l0u');
  const token = (await send(app, 'POST', '/reset_password', { email: 'gina@example.com' })).json().reset_token as string;
  await app.auth.changePassword('gina@example.com', 'b4l0u', 'n3w-gina');
  t.equal(await app.auth.getUserFromSessionId(elsewhere), null, 'a session opened with the old password is over');
  t.equal((await send(app, 'GET', '/profile', undefined, 'form', hanks)).statusCode, 200, 'another user\'s session is untouched');
  const reset = await send(app, 'PUT', '/reset_password', { email: 'gina@example.com', reset_token: token, new_password: 'h4ck3d' });
  t.equal(reset.statusCode, 403, 'a reset token issued before the change no longer works');
  t.equal((await send(app, 'POST', '/sessions', { email: 'gina@example.com', password: 'n3w-gina' })).statusCode, 200, 'the new password logs in');
});

t.test('PUT /password: 400 for a missing field, 403 without a session, 401 for a wrong current password; nothing changes', async (t) => {
  const app = await appWith(t);
  await signUp(app, 'ivan@example.com', 'b4l0u');
  const sessionId = await logIn(app, 'ivan@example.com', 'b4l0u');
  for (const fields of [{ current_password: 'b4l0u' }, { new_password: 'n3w' }, {}] as Array<Record<string, string>>) {
    const response = await change(app, sessionId, fields);
    t.equal(response.statusCode, 400, `fields ${Object.keys(fields).join(', ') || 'none'}: 400`);
    t.equal((await change(app, undefined, fields)).statusCode, 400, 'a bad field is a 400 before the session is looked at');
  }
  t.equal((await change(app, undefined, { current_password: 'b4l0u', new_password: 'n3w' })).statusCode, 403, 'no cookie: 403');
  t.equal((await change(app, 'f'.repeat(36), { current_password: 'b4l0u', new_password: 'n3w' })).statusCode, 403, 'a cookie that is no session: 403');
  const wrong = await change(app, sessionId, { current_password: 'guess', new_password: 'n3w' });
  t.equal(wrong.statusCode, 401, 'a wrong current password: 401');
  t.match(wrong.json(), { code: 'ERR_WRONG_PASSWORD', message: /current password is wrong/ });
  t.equal(wrong.headers['set-cookie'], undefined, 'no cookie is set');
  t.equal((await send(app, 'GET', '/profile', undefined, 'form', sessionId)).statusCode, 200, 'the session still works');
  t.equal((await send(app, 'POST', '/sessions', { email: 'ivan@example.com', password: 'b4l0u' })).statusCode, 200, 'the password is unchanged');
});

t.test('PUT /password in production: the new password must meet the policy; a refusal changes nothing', async (t) => {
  const app = await appWith(t, { security: nist });
  await signUp(app, 'judy@example.com', strong);
  const sessionId = await logIn(app, 'judy@example.com', strong);
  refused(t, await change(app, sessionId, { current_password: strong, new_password: 'sh0rt' }), tooShort, 'a short new password');
  refused(t, await change(app, sessionId, { current_password: strong, new_password: 'QWERTYUIOPASDFGH' }), tooCommon, 'a common one');
  refused(t, await change(app, sessionId, { current_password: strong, new_password: 'judy and her hallpass' }), context, 'a context word');
  t.equal((await send(app, 'GET', '/profile', undefined, 'form', sessionId)).statusCode, 200, 'the session survived the refusals');
  const changed = await change(app, sessionId, { current_password: strong, new_password: stronger });
  t.equal(changed.statusCode, 200, 'a good new password is taken');
  t.equal((await send(app, 'POST', '/sessions', { email: 'judy@example.com', password: stronger })).statusCode, 200, 'and logs in');
});

t.test('a wrong current password counts as a failed login of the session\'s account', async (t) => {
  const app = await appWith(t, { security: { rateLimits: { loginFailuresPerAccount: 3 } } });
  await signUp(app, 'kate@example.com', 'b4l0u');
  const sessionId = await logIn(app, 'kate@example.com', 'b4l0u');
  t.equal((await change(app, sessionId, { current_password: 'guess1', new_password: 'n3w' })).statusCode, 401);
  t.equal((await change(app, sessionId, { current_password: 'guess2', new_password: 'n3w' })).statusCode, 401);
  t.equal((await send(app, 'POST', '/sessions', { email: 'KATE@example.com', password: 'guess3' })).statusCode, 401, 'the third failure, at login');
  for (const [what, response] of [
    ['the right current password', await change(app, sessionId, { current_password: 'b4l0u', new_password: 'n3w' })],
    ['the right password at login', await send(app, 'POST', '/sessions', { email: 'kate@example.com', password: 'b4l0u' })],
  ] as const) {
    t.equal(response.statusCode, 429, `over the limit, even ${what}: 429`);
    t.ok(Number(response.headers['retry-after']) > 0, 'with Retry-After');
    t.match(response.json(), { message: /too many failed logins for this account/ });
  }
  t.equal((await send(app, 'POST', '/sessions', { email: 'other@example.com', password: 'guess' })).statusCode, 401, 'another account is not limited');
});

t.test('PUT /password is refused cross-site and never cached', async (t) => {
  const app = await appWith(t);
  await signUp(app, 'lena@example.com', 'b4l0u');
  const sessionId = await logIn(app, 'lena@example.com', 'b4l0u');
  const crossSite = await app.inject({
    method: 'PUT', url: '/password', cookies: { session_id: sessionId }, headers: { origin: 'https://evil.example' },
    payload: { current_password: 'b4l0u', new_password: 'h4ck3d' },
  });
  t.equal(crossSite.statusCode, 403, 'a foreign Origin: 403');
  t.equal((await send(app, 'POST', '/sessions', { email: 'lena@example.com', password: 'b4l0u' })).statusCode, 200, 'the password is unchanged');
  const fresh = await logIn(app, 'lena@example.com', 'b4l0u');
  const response = await change(app, fresh, { current_password: 'b4l0u', new_password: 'n3w' });
  t.equal(response.statusCode, 200);
  t.equal(response.headers['cache-control'], 'no-store', 'Cache-Control: no-store');
});

t.test('the audit log records password.changed and password.change_failed with the user id', async (t) => {
  const { stream, lines } = logCapture();
  const db = await testDB(t);
  const app = await buildApp({ db, bcryptCost: 4, logger: { level: 'info', stream } });
  t.teardown(() => app.close());
  await signUp(app, 'mike@example.com', 'b4l0u');
  const { id } = await db.findUserBy({ email: 'mike@example.com' });
  const sessionId = await logIn(app, 'mike@example.com', 'b4l0u');
  await change(app, sessionId, { current_password: 'guess', new_password: 'n3w-pw-secret' });
  await change(app, sessionId, { current_password: 'b4l0u', new_password: 'n3w-pw-secret' });
  const events = (lines as { audit?: string; userId?: number | null; ip?: string }[]).filter((line) => line.audit?.startsWith('password.'));
  t.same(events.map(({ audit, userId, ip }) => ({ audit, userId, ip })), [
    { audit: 'password.change_failed', userId: id, ip: '127.0.0.1' },
    { audit: 'password.changed', userId: id, ip: '127.0.0.1' },
  ]);
  t.notOk(lines.join('\n').includes('n3w-pw-secret'), 'the new password is not in the log');
});
