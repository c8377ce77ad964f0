import t from 'tap';
import { buildApp } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';
import { testApp } from './fixtures/app.ts';

// What a browser gets from /try, checked without a browser (try-page-browser.test.ts drives a real one).

t.test('GET /try is an HTML page that says the profile and loads only its own files', async (t) => {
  const { app } = await testApp(t);
  const page = await app.inject('/try');
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /^text\/html; charset=utf-8/);
  t.match(page.body, /<html lang="en" data-profile="course">/);
  t.match(page.body, /<strong id="profile">course<\/strong> profile/, 'the page says the profile in words');
  t.notMatch(page.body, /\{\{/, 'no placeholder is left');

  const scripts = [...page.body.matchAll(/<script\b([^>]*)>([^<]*)<\/script>/g)];
  t.same(scripts.map(([, attributes]) => attributes), [' type="module" src="/try/try.js"'], 'one script, an ES module from a file');
  t.ok(scripts.every(([, , code]) => code === ''), 'no inline script (a CSP of default-src \'self\' would block it)');
  t.notMatch(page.body, /<style|\sstyle=|\son[a-z]+=/i, 'no inline style or event handler attribute');
  t.notMatch(page.body, /(src|href|action)="(https?:)?\/\//i, 'nothing is loaded from another host');

  for (const [path, type] of [['/try/try.js', /^text\/javascript; charset=utf-8/], ['/try/try.css', /^text\/css; charset=utf-8/]] as const) {
    t.match(page.body, path, `the page refers to ${path}`);
    const file = await app.inject(path);
    t.equal(file.statusCode, 200, path);
    t.match(file.headers['content-type'], type, path);
    t.ok(file.body.length > 100, `${path} has content`);
  }
  const script = await app.inject('/try/try.js');
  t.notMatch(script.body, /https?:\/\//, 'the script calls no absolute URL: it talks to the service that served it only');
  t.notMatch(script.body, /innerHTML|insertAdjacentHTML|eval\(/, 'answers are written as text, never parsed as HTML');
});

t.test('every form of the flow is on the page, each field with a label', async (t) => {
  const { app } = await testApp(t);
  const { body } = await app.inject('/try');
  const forms = [...body.matchAll(/<form id="([^"]+)" data-method="([A-Z]+)" data-path="([^"]+)"/g)].map(([, id, method, path]) => `${id}: ${method} ${path}`);
  t.same(forms, [
    'signup: POST /users',
    'confirm: POST /users/confirm',
    'login: POST /sessions',
    'profile-form: GET /profile',
    'change-password: PUT /password',
    'logout: DELETE /sessions',
    'sessions-form: GET /sessions',
    'logout-others: DELETE /sessions/others',
    'reset-request: POST /reset_password',
    'reset: PUT /reset_password',
  ]);
  const inputs = [...body.matchAll(/<input id="([^"]+)"/g)].map(([, id]) => id);
  t.equal(inputs.length, 11, 'email and password, a confirmation token, email and password, the current and a new password, an email, then email, token and new password');
  for (const id of inputs) t.match(body, `<label for="${id}">`, `input ${id} has a label`);
});

t.test('/try/ leads to /try, and the page is not part of the API document', async (t) => {
  const { app } = await testApp(t);
  const slash = await app.inject('/try/');
  t.equal(slash.statusCode, 301);
  t.equal(slash.headers.location, '/try');
  const document = (await app.inject('/openapi.json')).json<{ paths: Record<string, unknown> }>();
  t.same(Object.keys(document.paths).filter((path) => path.startsWith('/try')), [], 'no /try route in /openapi.json');
  t.same((await app.inject('/')).json(), { message: 'Bienvenue' }, 'GET / stays the JSON of the contract');
});

t.test('in the production profile the page says so, and nothing else of the configuration', async (t) => {
  const app = await buildApp({ db: await testDB(t), bcryptCost: 4, profile: 'production' });
  t.teardown(() => app.close());
  const { body } = await app.inject('/try');
  t.match(body, /data-profile="production"/);
  t.match(body, /<strong id="profile">production<\/strong> profile/);
  t.match(body, /the token goes to the\s+account's mailbox/, 'the production paragraph is there (CSS shows the one that fits)');
  t.notMatch(body, /bcrypt|postgres|DATABASE_URL|\.data\b|5432/i, 'no other setting reaches the page');
});
