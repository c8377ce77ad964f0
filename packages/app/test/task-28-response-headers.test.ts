import t, { type Test } from 'tap';
import { buildApp } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';
import { logIn, send, signUp, testApp } from './fixtures/app.ts';

const { app } = await testApp(t);

t.test('every answer that carries a token or depends on a session says Cache-Control: no-store', async (t) => {
  await signUp(app, 'cache@example.com', 'b4l0u');
  const sessionId = await logIn(app, 'cache@example.com', 'b4l0u');
  const token = (await send(app, 'POST', '/reset_password', { email: 'cache@example.com' })).json().reset_token as string;
  const answers = {
    'POST /users': await send(app, 'POST', '/users', { email: 'cache2@example.com', password: 'b4l0u' }),
    'POST /sessions (sets the cookie)': await send(app, 'POST', '/sessions', { email: 'cache@example.com', password: 'b4l0u' }),
    'POST /sessions (401)': await send(app, 'POST', '/sessions', { email: 'cache@example.com', password: 'wrong' }),
    'GET /profile': await send(app, 'GET', '/profile', undefined, 'form', sessionId),
    'GET /profile (403)': await send(app, 'GET', '/profile', undefined),
    'POST /reset_password (holds the token)': await send(app, 'POST', '/reset_password', { email: 'cache@example.com' }),
    'PUT /reset_password': await send(app, 'PUT', '/reset_password', { email: 'cache@example.com', reset_token: token, new_password: 'n3w-pw' }),
    'DELETE /sessions': await send(app, 'DELETE', '/sessions', undefined, 'form', sessionId),
    'GET /': await send(app, 'GET', '/', undefined),
    // Answers sent before any route handler runs: bad input, a refused cross-site request, an unknown route.
    'POST /users without a password (400)': await send(app, 'POST', '/users', { email: 'cache3@example.com' }),
    'POST /sessions from another site (403)': await app.inject({ method: 'POST', url: '/sessions', payload: { email: 'cache@example.com', password: 'b4l0u' }, headers: { origin: 'https://evil.example' } }),
    'GET /no-such-route (404)': await send(app, 'GET', '/no-such-route', undefined),
    'GET /openapi.json': await send(app, 'GET', '/openapi.json', undefined),
  };
  for (const [name, response] of Object.entries(answers)) {
    t.ok(response.statusCode < 500, `${name}: answered ${response.statusCode}`);
    t.equal(response.headers['cache-control'], 'no-store', name);
    t.ok(response.headers['content-security-policy'], `${name}: a Content-Security-Policy`);
  }
  t.equal(answers['POST /users without a password (400)'].statusCode, 400);
  t.equal(answers['POST /sessions from another site (403)'].statusCode, 403);
  t.equal(answers['GET /no-such-route (404)'].statusCode, 404);
});

/** The policy the page asks for, directive by directive; production adds `upgrade-insecure-requests`. */
const coursePolicy: Record<string, string[]> = {
  'default-src': ["'self'"],
  'base-uri': ["'none'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
};

/** Compares each directive the page names, then the list of directives, so a failure names the directive. */
function samePolicy(t: Test, header: unknown, expected: Record<string, string[]>): void {
  const csp = directives(header);
  for (const [name, values] of Object.entries(expected)) t.same(csp.get(name)?.slice().sort(), values.slice().sort(), `${name} ${values.join(' ')}`);
  t.same([...csp.keys()].sort(), Object.keys(expected).sort(), 'no other directive');
}

/** The Content-Security-Policy's directives, by name. */
function directives(header: unknown): Map<string, string[]> {
  return new Map(String(header).split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0] !== '').map(([name, ...values]) => [name!, values]));
}

t.test('security headers: a strict Content-Security-Policy, no sniffing, no framing', async (t) => {
  const response = await send(app, 'GET', '/', undefined);
  const csp = directives(response.headers['content-security-policy']);
  t.same(csp.get('script-src'), ["'self'"], 'scripts only from the service itself, nothing inline');
  t.same(csp.get('style-src'), ["'self'"], 'styles only from the service itself, nothing inline');
  t.same(csp.get('object-src'), ["'none'"]);
  t.same(csp.get('frame-ancestors'), ["'none'"], 'no other page may frame the service');
  t.notOk(csp.has('upgrade-insecure-requests'), 'the course profile is plain HTTP: no upgrade');
  samePolicy(t, response.headers['content-security-policy'], coursePolicy);
  t.equal(response.headers['x-content-type-options'], 'nosniff');
  t.equal(response.headers['x-frame-options'], 'SAMEORIGIN');
  t.equal(response.headers['referrer-policy'], 'no-referrer');
  t.ok(response.headers['strict-transport-security'], 'HSTS (browsers heed it over HTTPS only)');
});

t.test('/docs works under that policy: every script and style it loads is a same-origin file', async (t) => {
  const page = await app.inject({ method: 'GET', url: '/docs/' });
  t.equal(page.statusCode, 200);
  const html = page.body;
  t.notMatch(html, /<style/i, 'no inline <style>');
  t.notMatch(html, /\sstyle=/i, 'no style attributes');
  t.notMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/gi)];
  t.ok(scripts.length > 0, 'the page loads scripts');
  for (const [, attributes, body] of scripts) {
    t.equal(body!.trim(), '', `the script ${attributes!.trim()} is a file, not inline code`);
  }
  const files = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  t.ok(files.some((f) => f.endsWith('.css')) && files.some((f) => f.endsWith('.js')), 'scripts and styles are files');
  for (const file of files) {
    t.notMatch(file, /^(https?:)?\/\//, `${file} is same-origin`);
    const asset = await app.inject({ method: 'GET', url: new URL(file, 'http://localhost/docs/').pathname });
    t.equal(asset.statusCode, 200, `${file} is served`);
  }
  const initializer = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
  t.match(initializer.body, /resolveUrl\('\.\/json'\)/, 'the page reads the API description from the service itself');
});

t.test('in production: no /docs or /openapi.json unless asked for, and sub-requests upgraded to HTTPS', async (t) => {
  const production = await buildApp({ db: await testDB(t), bcryptCost: 4, profile: 'production' });
  t.teardown(() => production.close());
  for (const url of ['/docs', '/docs/', '/docs/json', '/openapi.json']) {
    t.equal((await production.inject({ method: 'GET', url })).statusCode, 404, `${url} is not served`);
  }
  const root = await production.inject({ method: 'GET', url: '/' });
  t.ok(directives(root.headers['content-security-policy']).has('upgrade-insecure-requests'));
  samePolicy(t, root.headers['content-security-policy'], { ...coursePolicy, 'upgrade-insecure-requests': [] });

  const withDocs = await buildApp({ db: await testDB(t), bcryptCost: 4, profile: 'production', security: { docs: true } });
  t.teardown(() => withDocs.close());
  t.equal((await withDocs.inject({ method: 'GET', url: '/docs/' })).statusCode, 200, 'API_DOCS=on brings /docs back');
  t.equal((await withDocs.inject({ method: 'GET', url: '/openapi.json' })).statusCode, 200);
});
