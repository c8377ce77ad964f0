import { request as httpRequest } from 'node:http';
import t, { type Test } from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';
import { logIn, signUp, testApp } from './fixtures/app.ts';

const { app } = await testApp(t);

const form = (fields: Record<string, string>) => ({
  payload: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

/** Headers a browser adds when a page of another site makes the request. */
const crossSite = [
  { name: 'Sec-Fetch-Site: cross-site', headers: { 'sec-fetch-site': 'cross-site' } },
  { name: 'a foreign Origin', headers: { origin: 'https://evil.example' } },
  { name: 'Origin: null (a sandboxed page or a redirect)', headers: { origin: 'null' } },
  { name: 'the right host on another port', headers: { origin: 'http://localhost:8080' } },
  { name: 'the right host over another scheme', headers: { origin: 'https://localhost:80' } },
];

/** The refusal the page gives: 403, Fastify's error shape with the code ERR_CROSS_SITE, and a message that says why. */
function refused(t: Test, response: LightMyRequestResponse, what: string): void {
  t.equal(response.statusCode, 403, `${what}: 403`);
  t.match(response.json(), { statusCode: 403, code: 'ERR_CROSS_SITE', error: 'Forbidden', message: /^cross-site request refused: ./ }, `${what}: the refusal's JSON`);
}

t.test('a cross-site sign-up or login is a 403 JSON error and changes nothing', async (t) => {
  for (const { name, headers } of crossSite) {
    const email = `cs-${crossSite.findIndex((c) => c.name === name)}@example.com`;
    const signup = await app.inject({ method: 'POST', url: '/users', ...form({ email, password: 'b4l0u' }), headers: { ...form({}).headers, ...headers } });
    refused(t, signup, `sign-up with ${name}`);
    const login = await app.inject({ method: 'POST', url: '/sessions', ...form({ email, password: 'b4l0u' }) });
    t.equal(login.statusCode, 401, `no account was created by the refused sign-up (${name})`);

    await signUp(app, email, 'b4l0u');
    const crossLogin = await app.inject({ method: 'POST', url: '/sessions', ...form({ email, password: 'b4l0u' }), headers: { ...form({}).headers, ...headers } });
    refused(t, crossLogin, `login with ${name}`);
    t.equal(crossLogin.headers['set-cookie'], undefined, `login with ${name} sets no cookie`);
  }
});

t.test('a cross-site logout does not end the session', async (t) => {
  await signUp(app, 'victim@example.com', 'b4l0u');
  const sessionId = await logIn(app, 'victim@example.com', 'b4l0u');
  for (const { name, headers } of crossSite) {
    const response = await app.inject({ method: 'DELETE', url: '/sessions', cookies: { session_id: sessionId }, headers });
    refused(t, response, `logout with ${name}`);
  }
  const profile = await app.inject({ method: 'GET', url: '/profile', cookies: { session_id: sessionId } });
  t.equal(profile.statusCode, 200, 'the session still works');
});

t.test('a cross-site password reset neither issues nor uses a token', async (t) => {
  await signUp(app, 'reset@example.com', 'b4l0u');
  for (const { name, headers } of crossSite) {
    const ask = await app.inject({ method: 'POST', url: '/reset_password', ...form({ email: 'reset@example.com' }), headers: { ...form({}).headers, ...headers } });
    refused(t, ask, `POST /reset_password with ${name}`);
  }
  const token = (await app.inject({ method: 'POST', url: '/reset_password', ...form({ email: 'reset@example.com' }) })).json().reset_token as string;
  for (const { name, headers } of crossSite) {
    const use = await app.inject({
      method: 'PUT', url: '/reset_password', ...form({ email: 'reset@example.com', reset_token: token, new_password: 'h4ck3d' }),
      headers: { ...form({}).headers, ...headers },
    });
    refused(t, use, `PUT /reset_password with ${name}`);
  }
  const login = await app.inject({ method: 'POST', url: '/sessions', ...form({ email: 'reset@example.com', password: 'b4l0u' }) });
  t.equal(login.statusCode, 200, 'the old password still works');
  const use = await app.inject({ method: 'PUT', url: '/reset_password', ...form({ email: 'reset@example.com', reset_token: token, new_password: 'n3w-pw' }) });
  t.equal(use.statusCode, 200, 'the token was not used up by the refused requests');
});

t.test('same-origin requests, requests without either header, and reads are served', async (t) => {
  const sameOrigin = [
    { name: 'Sec-Fetch-Site: same-origin', headers: { 'sec-fetch-site': 'same-origin' } },
    { name: 'Sec-Fetch-Site: none (typed in the address bar)', headers: { 'sec-fetch-site': 'none' } },
    { name: 'the service\'s own Origin', headers: { origin: 'http://localhost:80' } },
    { name: 'its own Origin in upper case', headers: { origin: 'HTTP://LOCALHOST:80' } },
    { name: 'its own Origin, with the Host header in another letter case', headers: { host: 'LocalHost:80', origin: 'http://localhost:80' } },
    { name: 'neither header', headers: {} },
  ];
  for (const [index, { name, headers }] of sameOrigin.entries()) {
    const response = await app.inject({ method: 'POST', url: '/users', ...form({ email: `same-${index}@example.com`, password: 'b4l0u' }), headers: { ...form({}).headers, ...headers } });
    t.equal(response.statusCode, 200, name);
  }
  await signUp(app, 'reader@example.com', 'b4l0u');
  const sessionId = await logIn(app, 'reader@example.com', 'b4l0u');
  const read = await app.inject({ method: 'GET', url: '/profile', cookies: { session_id: sessionId }, headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } });
  t.equal(read.statusCode, 200, 'GET changes nothing, so it is not checked');
});

/** One request to a listening server, with headers fetch would not let us set. */
function post(url: string, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL(path, url), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

t.test('on a listening server, the own origin is the request\'s scheme and Host; a configured public origin counts too', async (t) => {
  const server = await buildApp({ db: await testDB(t), bcryptCost: 4, security: { publicOrigin: 'https://auth.example.com' } });
  t.teardown(() => server.close());
  const url = await server.listen({ host: '127.0.0.1', port: 0 });
  const body = (n: number) => new URLSearchParams({ email: `listen-${n}@example.com`, password: 'b4l0u' }).toString();
  t.equal((await post(url, '/users', { origin: url }, body(1))).status, 200, `Origin ${url}`);
  t.equal((await post(url, '/users', { origin: 'https://auth.example.com' }, body(2))).status, 200, 'the public origin');
  const other = new URL(url);
  other.port = String(Number(other.port) + 1);
  const refused = await post(url, '/users', { origin: other.origin }, body(3));
  t.equal(refused.status, 403, `Origin ${other.origin}`);
  t.match(JSON.parse(refused.body), { message: /cross-site request refused/ });
  t.equal((await post(url, '/users', { origin: 'https://auth.example.com.evil.example' }, body(4))).status, 403, 'a look-alike origin');
  t.equal((await post(url, '/users', { origin: 'HTTPS://Auth.Example.COM' }, body(5))).status, 200, 'the public origin in another letter case');
  t.equal((await post(url, '/users', { origin: 'http://auth.example.com' }, body(6))).status, 403, 'the public origin\'s host over another scheme');
});

t.test('behind a trusted proxy (trustProxy), the own origin is the forwarded scheme and host', async (t) => {
  const proxied = await buildApp({ db: await testDB(t), bcryptCost: 4, server: { trustProxy: '127.0.0.1' } });
  t.teardown(() => proxied.close());
  const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'shop.example.net', 'x-forwarded-for': '203.0.113.7' };
  const signUpWith = (n: number, headers: Record<string, string>) =>
    proxied.inject({ method: 'POST', url: '/users', ...form({ email: `proxied-${n}@example.com`, password: 'b4l0u' }), headers: { ...form({}).headers, ...forwarded, ...headers } });
  t.equal((await signUpWith(1, { origin: 'https://shop.example.net' })).statusCode, 200, 'the Origin the browser used: https and the forwarded host');
  refused(t, await signUpWith(2, { origin: 'http://shop.example.net' }), 'the forwarded host over http');
  refused(t, await signUpWith(3, { origin: 'http://localhost:80' }), 'the proxy-facing Host and scheme');
});

t.test('the session cookie: HttpOnly; SameSite=Lax; Path=/ in the course profile', async (t) => {
  await signUp(app, 'cookie@example.com', 'b4l0u');
  const response = await app.inject({ method: 'POST', url: '/sessions', ...form({ email: 'cookie@example.com', password: 'b4l0u' }) });
  t.match(String(response.headers['set-cookie']), /^session_id=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
});

t.test('in production the session cookie is __Host-session_id, Secure, and the only one accepted', async (t) => {
  const production = await buildApp({ db: await testDB(t), bcryptCost: 4, profile: 'production' });
  t.teardown(() => production.close());
  // Production's password policy (task 30) wants 15 characters or more.
  await signUp(production, 'prod@example.com', 'a cookie for the jar');
  const login = await production.inject({ method: 'POST', url: '/sessions', ...form({ email: 'prod@example.com', password: 'a cookie for the jar' }) });
  t.equal(login.statusCode, 200);
  const setCookie = String(login.headers['set-cookie']);
  const match = /^__Host-session_id=([^;]+); Path=\/; HttpOnly; SameSite=Lax; Secure$/.exec(setCookie);
  t.ok(match, `Set-Cookie is "__Host-session_id=<token>; Path=/; HttpOnly; SameSite=Lax; Secure", got ${setCookie}`);
  const sessionId = match?.[1] ?? '';

  const plain = await production.inject({ method: 'GET', url: '/profile', cookies: { session_id: sessionId } });
  t.equal(plain.statusCode, 403, 'a cookie without the prefix is not a session');
  const prefixed = await production.inject({ method: 'GET', url: '/profile', cookies: { '__Host-session_id': sessionId } });
  t.equal(prefixed.statusCode, 200, 'the prefixed cookie is');
  t.same(prefixed.json(), { email: 'prod@example.com' });

  const logout = await production.inject({ method: 'DELETE', url: '/sessions', cookies: { '__Host-session_id': sessionId } });
  t.equal(logout.statusCode, 302);
  t.match(String(logout.headers['set-cookie']), /^__Host-session_id=; .*Secure$/, 'logging out clears the prefixed cookie');
});
