import { createHash } from 'node:crypto';
import t from 'tap';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, loadConfig, serverOptions } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';
import { logIn, send, signUp, testApp } from './fixtures/app.ts';
import { logCapture } from './fixtures/log.ts';

// One app and database for most of the file; each test uses accounts of its own.
const { app } = await testApp(t);

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** `GET /profile` with `cookie`: 200 while the session lives. */
const profileStatus = async (cookie: string): Promise<number> => (await send(app, 'GET', '/profile', undefined, 'form', cookie)).statusCode;

/** `GET /sessions` with `cookie`, and the headers of a browser of its own. */
const listSessions = (cookie: string | undefined, on: FastifyInstance = app): Promise<LightMyRequestResponse> =>
  on.inject({ method: 'GET', url: '/sessions', ...(cookie === undefined ? {} : { cookies: { session_id: cookie } }) });

/** `DELETE <url>` with `cookie`. */
const end = (url: string, cookie: string | undefined, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> =>
  app.inject({ method: 'DELETE', url, headers, ...(cookie === undefined ? {} : { cookies: { session_id: cookie } }) });

interface Listed {
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  device: { userAgent: string | null; address: string | null };
}

/** Logs in with a User-Agent of its own; returns the session cookie. */
async function logInFrom(email: string, password: string, userAgent: string, on: FastifyInstance = app, headers: Record<string, string> = {}): Promise<string> {
  const response = await on.inject({ method: 'POST', url: '/sessions', payload: { email, password }, headers: { 'user-agent': userAgent, ...headers } });
  const cookie = response.cookies.find((c) => c.name === 'session_id');
  if (response.statusCode !== 200 || cookie === undefined) throw new Error(`log-in of ${email} failed: ${response.statusCode} ${response.body}`);
  return cookie.value;
}

t.test('a second login no longer ends the first: both sessions work', async (t) => {
  await signUp(app, 'bob@example.com', 'b4l0u');
  const laptop = await logIn(app, 'bob@example.com', 'b4l0u');
  const phone = await logIn(app, 'BOB@example.com', 'b4l0u');
  t.not(phone, laptop);
  t.equal(await profileStatus(laptop), 200, 'the laptop (first login) is still logged in: createSession must add a session, not replace the user\'s only one');
  t.equal(await profileStatus(phone), 200, 'the phone (second login) is logged in');
});

t.test('GET /sessions lists the caller\'s live sessions, newest first, with `current` right for each cookie', async (t) => {
  await signUp(app, 'carol@example.com', 'b4l0u');
  const laptop = await logInFrom('carol@example.com', 'b4l0u', 'Firefox on Linux');
  const phone = await logInFrom('Carol@Example.com', 'b4l0u', 'Safari on iOS');
  for (const [cookie, currentAgent] of [[phone, 'Safari on iOS'], [laptop, 'Firefox on Linux']] as const) {
    const response = await listSessions(cookie);
    t.equal(response.statusCode, 200, `GET /sessions is a 200, got ${response.statusCode} ${response.body}`);
    const list = response.json<Listed[]>();
    t.equal(list.length, 2, 'both of carol\'s sessions are listed');
    t.same(list.map((session) => Object.keys(session).sort()), [0, 1].map(() => ['createdAt', 'current', 'device', 'id', 'lastSeenAt']), 'each entry has exactly id, current, createdAt, lastSeenAt, device');
    t.same(list.map((session) => session.device.userAgent), ['Safari on iOS', 'Firefox on Linux'], 'newest first; device.userAgent is the login\'s User-Agent');
    t.same(list.filter((session) => session.current).map((session) => session.device.userAgent), [currentAgent], 'exactly one is current: the session of the cookie sent');
    for (const session of list) {
      t.type(session.id, 'string', 'id is a string');
      t.notOk([laptop, phone, sha256(laptop), sha256(phone)].includes(session.id), 'id is public: neither a token nor a digest');
      t.notOk(Number.isNaN(Date.parse(session.createdAt)), `createdAt is a date-time, got ${session.createdAt}`);
      t.notOk(Number.isNaN(Date.parse(session.lastSeenAt)), `lastSeenAt is a date-time, got ${session.lastSeenAt}`);
      t.ok(Date.parse(session.lastSeenAt) >= Date.parse(session.createdAt), 'a session is last seen after it began');
      t.equal(session.device.address, '127.0.0.1', 'device.address is the client address as the service sees it');
    }
    t.notOk(response.body.includes(laptop) || response.body.includes(phone), 'no token anywhere in the answer');
    t.notOk(response.body.includes(sha256(laptop)) || response.body.includes(sha256(phone)), 'no digest anywhere in the answer');
  }
});

t.test('GET /sessions lists only the caller\'s own sessions, and is a 403 without a session', async (t) => {
  await signUp(app, 'dave@example.com', 'b4l0u');
  await signUp(app, 'erin@example.com', 'b4l0u');
  const dave = await logIn(app, 'dave@example.com', 'b4l0u');
  await logIn(app, 'erin@example.com', 'b4l0u');
  await logIn(app, 'erin@example.com', 'b4l0u');
  t.equal((await listSessions(dave)).json<Listed[]>().length, 1, 'dave sees his one session, none of erin\'s');
  for (const [what, cookie] of [['no cookie', undefined], ['an unknown session id', '3f1c3cb4-34e8-4c61-9f0a-2f5b9b52c0de'], ['a malformed one', 'nope']] as const) {
    const response = await listSessions(cookie);
    t.equal(response.statusCode, 403, `${what}: 403 (ERR_NO_SESSION), got ${response.statusCode}`);
    t.type(response.json<{ message?: unknown }>().message, 'string', `${what}: the body has a message`);
  }
});

t.test('behind a trusted proxy, device.address is the client\'s address from X-Forwarded-For', async (t) => {
  const proxied = await buildApp({ db: await testDB(t), bcryptCost: 4, server: serverOptions(loadConfig({ TRUST_PROXY: '127.0.0.1' })) });
  t.teardown(() => proxied.close());
  await signUp(proxied, 'frank@example.com', 'b4l0u');
  for (const [forwarded, address] of [['203.0.113.7', '203.0.113.7'], ['198.51.100.1, 2001:db8::5', '2001:db8::5']] as const) {
    const cookie = await logInFrom('frank@example.com', 'b4l0u', 'curl/8', proxied, { 'x-forwarded-for': forwarded });
    const current = (await listSessions(cookie, proxied)).json<Listed[]>().find((session) => session.current);
    t.equal(current?.device.address, address, `X-Forwarded-For: ${forwarded} → the right-most address the proxy added, got ${String(current?.device.address)}`);
  }
});

t.test('DELETE /sessions/:id ends that session of the caller: 204, and the other session goes on', async (t) => {
  await signUp(app, 'gina@example.com', 'b4l0u');
  const laptop = await logInFrom('gina@example.com', 'b4l0u', 'Firefox');
  const phone = await logInFrom('gina@example.com', 'b4l0u', 'Safari');
  const phoneId = (await listSessions(laptop)).json<Listed[]>().find((session) => !session.current)!.id;
  const response = await end(`/sessions/${phoneId}`, laptop);
  t.equal(response.statusCode, 204, `ending another of one's sessions is a 204, got ${response.statusCode} ${response.body}`);
  t.equal(response.body, '', 'a 204 has no body');
  t.equal(response.headers['set-cookie'], undefined, 'the caller\'s own cookie is left alone');
  t.equal(await profileStatus(phone), 403, 'the phone is logged out');
  t.equal(await profileStatus(laptop), 200, 'the laptop is not');
  t.same((await listSessions(laptop)).json<Listed[]>().map((session) => session.current), [true], 'one session is left');
  const again = await end(`/sessions/${phoneId}`, laptop);
  t.equal(again.statusCode, 404, `an ended session cannot be ended again: 404, got ${again.statusCode}`);
});

t.test('the id matches in any letter case', async (t) => {
  await signUp(app, 'hank@example.com', 'b4l0u');
  const laptop = await logIn(app, 'hank@example.com', 'b4l0u');
  const phone = await logIn(app, 'hank@example.com', 'b4l0u');
  const phoneId = (await listSessions(laptop)).json<Listed[]>().find((session) => !session.current)!.id;
  t.equal((await end(`/sessions/${phoneId.toUpperCase()}`, laptop)).statusCode, 204, 'a UUID in upper case is the same id');
  t.equal(await profileStatus(phone), 403);
});

t.test('ending the current session by its id clears the cookie', async (t) => {
  await signUp(app, 'iris@example.com', 'b4l0u');
  const cookie = await logIn(app, 'iris@example.com', 'b4l0u');
  const other = await logIn(app, 'iris@example.com', 'b4l0u');
  const ownId = (await listSessions(cookie)).json<Listed[]>().find((session) => session.current)!.id;
  const response = await end(`/sessions/${ownId}`, cookie);
  t.equal(response.statusCode, 204);
  t.match(String(response.headers['set-cookie']), /^session_id=; Max-Age=0; Path=\/;.*HttpOnly/, `the cookie is cleared, got Set-Cookie: ${String(response.headers['set-cookie'])}`);
  t.equal(await profileStatus(cookie), 403, 'that session ended');
  t.equal(await profileStatus(other), 200, 'the other goes on');
});

t.test('another user\'s session id is a 404, exactly like an unknown one, and that session still works', async (t) => {
  await signUp(app, 'judy@example.com', 'b4l0u');
  await signUp(app, 'kate@example.com', 'b4l0u');
  const judy = await logIn(app, 'judy@example.com', 'b4l0u');
  const kate = await logIn(app, 'kate@example.com', 'b4l0u');
  const kateId = (await listSessions(kate)).json<Listed[]>()[0]!.id;
  const theirs = await end(`/sessions/${kateId}`, judy);
  const unknown = await end('/sessions/0b6c3f3e-5d2a-4c1e-9f7a-2e4d6c8b0a13', judy);
  t.equal(theirs.statusCode, 404, `kate's session is not judy's to end: 404 (not 204, not 403), got ${theirs.statusCode}`);
  t.equal(unknown.statusCode, 404, `an unknown id: 404, got ${unknown.statusCode}`);
  t.same(theirs.json(), unknown.json(), 'the two answers are the same: nothing tells that kate\'s session exists');
  t.type(theirs.json<{ message?: unknown }>().message, 'string', 'the body has a message');
  t.equal(await profileStatus(kate), 200, 'kate\'s session still works');
  t.equal(await profileStatus(judy), 200, 'and judy\'s');
});

t.test('DELETE /sessions/:id refuses a malformed id with a 400, and a missing session with a 403', async (t) => {
  await signUp(app, 'liam@example.com', 'b4l0u');
  const cookie = await logIn(app, 'liam@example.com', 'b4l0u');
  for (const id of ['nope', '123', 'a'.repeat(60), '0b6c3f3e-5d2a-4c1e-9f7a-2e4d6c8b0a1', "' OR 1=1 --", '%00']) {
    const response = await end(`/sessions/${encodeURIComponent(id)}`, cookie);
    t.equal(response.statusCode, 400, `id ${JSON.stringify(id)}: 400, got ${response.statusCode} ${response.body}`);
    t.type(response.json<{ message?: unknown }>().message, 'string', `id ${JSON.stringify(id)}: the body has a message`);
  }
  const ownId = (await listSessions(cookie)).json<Listed[]>()[0]!.id;
  for (const [what, sent] of [['no cookie', undefined], ['an unknown session id', '3f1c3cb4-34e8-4c61-9f0a-2f5b9b52c0de']] as const) {
    t.equal((await end(`/sessions/${ownId}`, sent)).statusCode, 403, `${what}: 403`);
  }
  t.equal(await profileStatus(cookie), 200, 'nothing ended');
});

t.test('DELETE /sessions/others ends every other session of the caller: 200 {"ended": n}', async (t) => {
  await signUp(app, 'mona@example.com', 'b4l0u');
  await signUp(app, 'nina@example.com', 'b4l0u');
  const cookies = [];
  for (let i = 0; i < 3; i++) cookies.push(await logIn(app, 'mona@example.com', 'b4l0u'));
  const nina = await logIn(app, 'nina@example.com', 'b4l0u');
  const response = await end('/sessions/others', cookies[1]);
  t.equal(response.statusCode, 200, `got ${response.statusCode} ${response.body}`);
  t.same(response.json(), { ended: 2 }, 'the body says how many ended');
  t.same(await Promise.all(cookies.map(profileStatus)), [403, 200, 403], 'only the current session is left');
  t.equal(await profileStatus(nina), 200, 'nobody else\'s session ends');
  t.same((await end('/sessions/others', cookies[1])).json(), { ended: 0 }, 'nothing left to end');
  t.equal((await end('/sessions/others', undefined)).statusCode, 403, 'without a session: 403');
});

t.test('the state-changing routes refuse cross-site requests (task 26) and end nothing', async (t) => {
  await signUp(app, 'olga@example.com', 'b4l0u');
  const mine = await logIn(app, 'olga@example.com', 'b4l0u');
  const other = await logIn(app, 'olga@example.com', 'b4l0u');
  const otherId = (await listSessions(mine)).json<Listed[]>().find((session) => !session.current)!.id;
  for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { origin: 'https://evil.example' }] as Record<string, string>[]) {
    t.equal((await end(`/sessions/${otherId}`, mine, headers)).statusCode, 403, `DELETE /sessions/:id with ${JSON.stringify(headers)}: 403`);
    t.equal((await end('/sessions/others', mine, headers)).statusCode, 403, `DELETE /sessions/others with ${JSON.stringify(headers)}: 403`);
  }
  t.equal(await profileStatus(other), 200, 'nothing ended');
});

t.test('DELETE /sessions still ends the current session only', async (t) => {
  await signUp(app, 'pete@example.com', 'b4l0u');
  const laptop = await logIn(app, 'pete@example.com', 'b4l0u');
  const phone = await logIn(app, 'pete@example.com', 'b4l0u');
  const response = await end('/sessions', laptop);
  t.equal(response.statusCode, 302);
  t.equal(response.headers.location, '/');
  t.equal(await profileStatus(laptop), 403, 'the laptop logged out');
  t.equal(await profileStatus(phone), 200, 'the phone did not: destroySession is given the cookie\'s session id');
});

t.test('20 logins at once get 20 distinct sessions, each working, and the 21st ends the oldest (at most 20 per user)', async (t) => {
  await signUp(app, 'quinn@example.com', 'b4l0u');
  const first = await logIn(app, 'quinn@example.com', 'b4l0u');
  await end('/sessions', first);
  // Each from an address of its own: logins in flight count against the failed-login limit of one address (task 27) until they succeed.
  const cookies = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
    const response = await app.inject({ method: 'POST', url: '/sessions', payload: { email: 'quinn@example.com', password: 'b4l0u' }, remoteAddress: `192.0.2.${i + 1}` });
    t.equal(response.statusCode, 200, `login ${i + 1} of 20 at once: 200, got ${response.statusCode} ${response.body}`);
    return response.cookies.find((cookie) => cookie.name === 'session_id')?.value ?? '';
  }));
  t.equal(new Set(cookies).size, 20, '20 distinct cookies');
  t.same(await Promise.all(cookies.map(profileStatus)), cookies.map(() => 200), 'each one works');
  t.equal((await listSessions(cookies[0])).json<Listed[]>().length, 20, 'and all 20 are listed');
  const oldest = (await listSessions(cookies[0])).json<Listed[]>().at(-1)!.id;
  const newest = await logIn(app, 'quinn@example.com', 'b4l0u');
  const list = (await listSessions(newest)).json<Listed[]>();
  t.equal(list.length, 20, 'still 20');
  t.notOk(list.some((session) => session.id === oldest), 'the oldest one went');
});

t.test('SESSIONS_PER_USER sets the cap', async (t) => {
  const capped = await buildApp({ db: await testDB(t), bcryptCost: 4, security: { maxSessions: loadConfig({ SESSIONS_PER_USER: '2' }).security.maxSessions } });
  t.teardown(() => capped.close());
  await signUp(capped, 'rose@example.com', 'b4l0u');
  const cookies = [];
  for (let i = 0; i < 3; i++) cookies.push(await logIn(capped, 'rose@example.com', 'b4l0u'));
  const statuses = await Promise.all(cookies.map(async (cookie) => (await capped.inject({ method: 'GET', url: '/profile', cookies: { session_id: cookie } })).statusCode));
  t.same(statuses, [403, 200, 200], 'two at most: the third login ended the first');
});

t.test('a password change keeps the new session and ends the others; a reset ends them all', async (t) => {
  await signUp(app, 'sara@example.com', 'b4l0u');
  const laptop = await logIn(app, 'sara@example.com', 'b4l0u');
  const phone = await logIn(app, 'sara@example.com', 'b4l0u');
  const changed = await send(app, 'PUT', '/password', { current_password: 'b4l0u', new_password: 'n3w-pw' }, 'form', laptop);
  t.equal(changed.statusCode, 200);
  const fresh = changed.cookies.find((cookie) => cookie.name === 'session_id')!.value;
  t.same([await profileStatus(laptop), await profileStatus(phone), await profileStatus(fresh)], [403, 403, 200], 'old sessions end, the new one works');
  const reset = (await send(app, 'POST', '/reset_password', { email: 'sara@example.com' })).json<{ reset_token: string }>().reset_token;
  await send(app, 'PUT', '/reset_password', { email: 'sara@example.com', reset_token: reset, new_password: 'n3w-pw-2' });
  t.equal(await profileStatus(fresh), 403, 'a reset ends every session');
});

t.test('each session expires on its own: an expired one is neither listed nor usable, and its id is a 404', async (t) => {
  let now = Date.parse('2026-03-02T08:00:00Z');
  const clock = () => new Date(now);
  const timed = await buildApp({ db: await testDB(t), bcryptCost: 4, clock, security: { expiry: { sessionIdleTimeout: 600, sessionAbsoluteTimeout: 3600 } } });
  t.teardown(() => timed.close());
  await signUp(timed, 'tess@example.com', 'b4l0u');
  const idle = await logIn(timed, 'tess@example.com', 'b4l0u');
  const busy = await logIn(timed, 'tess@example.com', 'b4l0u');
  const idleId = (await listSessions(idle, timed)).json<Listed[]>().find((session) => session.current)!.id;
  for (let minute = 1; minute <= 10; minute++) {
    now += 60_000;
    t.equal((await listSessions(busy, timed)).statusCode, 200, `the busy session is used at minute ${minute}`);
  }
  const list = (await listSessions(busy, timed)).json<Listed[]>();
  t.same(list.map((session) => session.current), [true], 'the session unused for 10 minutes (the idle limit) is not listed');
  t.equal((await listSessions(idle, timed)).statusCode, 403, 'and its cookie opens nothing');
  const ended = await timed.inject({ method: 'DELETE', url: `/sessions/${idleId}`, cookies: { session_id: busy } });
  t.equal(ended.statusCode, 404, `an expired session is not live: its id is a 404, got ${ended.statusCode}`);
});

t.test('the audit log names an ended session by its public id, never by its token or digest', async (t) => {
  const log = logCapture();
  const audited = await buildApp({ db: await testDB(t), bcryptCost: 4, logger: { level: 'info', stream: log.stream } });
  t.teardown(() => audited.close());
  await signUp(audited, 'uma@example.com', 'b4l0u');
  const laptop = await logIn(audited, 'uma@example.com', 'b4l0u');
  const phone = await logIn(audited, 'uma@example.com', 'b4l0u');
  const phoneId = (await listSessions(laptop, audited)).json<Listed[]>().find((session) => !session.current)!.id;
  t.equal((await audited.inject({ method: 'DELETE', url: `/sessions/${phoneId}`, cookies: { session_id: laptop } })).statusCode, 204);
  t.equal((await audited.inject({ method: 'DELETE', url: '/sessions/others', cookies: { session_id: laptop } })).statusCode, 200);
  const ended = log.lines.filter((line) => line.audit === 'session.ended');
  t.match(ended, [{ audit: 'session.ended', sessionId: phoneId, userId: 1, ip: '127.0.0.1' }], 'DELETE /sessions/:id 204 is logged as session.ended with the ended session\'s id (sessionId) and the user\'s id');
  t.match(log.lines.filter((line) => line.audit === 'sessions.ended_others'), [{ audit: 'sessions.ended_others', userId: 1 }], 'DELETE /sessions/others 200 is logged as sessions.ended_others');
  const text = JSON.stringify(log.lines);
  for (const token of [laptop, phone]) {
    t.notOk(text.includes(token), 'no token in the log');
    t.notOk(text.includes(sha256(token)), 'no digest in the log');
  }
});
