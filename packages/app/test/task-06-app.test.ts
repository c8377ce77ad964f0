import t from 'tap';
import { buildApp } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';

// One app and database for the file.
const app = await buildApp({ db: await testDB(t), bcryptCost: 4 });
t.teardown(() => app.close());

t.test('GET / answers {"message": "Bienvenue"}', async (t) => {
  const response = await app.inject({ method: 'GET', url: '/' });
  t.equal(response.statusCode, 200, `GET / is a 200, got ${response.statusCode} ${response.body}`);
  t.match(response.headers['content-type'], /^application\/json/, 'the answer is JSON (return an object, not a string)');
  t.same(response.json(), { message: 'Bienvenue' }, 'the body is exactly {"message": "Bienvenue"}');
});

// Each route plugin's route answers something: before its own task it is a 501 naming that task, after it the route's answer.
const routes = [
  ['POST', '/users', 'users'],
  ['POST', '/sessions', 'sessions'],
  ['DELETE', '/sessions', 'sessions'],
  ['GET', '/profile', 'profile'],
  ['POST', '/reset_password', 'resetPassword'],
  ['PUT', '/reset_password', 'resetPassword'],
] as const;

t.test('app registers the route plugin of every resource', async (t) => {
  for (const [method, url, plugin] of routes) {
    const response = await app.inject({ method, url });
    t.not(response.statusCode, 404, `${method} ${url} exists: app (src/app.ts) registers the \`${plugin}\` plugin of src/routes/`);
  }
});

t.test('an unknown route is a 404 with a JSON message', async (t) => {
  const response = await app.inject({ method: 'GET', url: '/nowhere' });
  t.equal(response.statusCode, 404);
  t.match(response.json(), { message: /Route GET:\/nowhere not found/ });
});

t.test('the OpenAPI document lists GET /: the routes are registered after the given swagger plugin', async (t) => {
  const document = (await app.inject('/openapi.json')).json<{ paths: Record<string, unknown> }>();
  t.ok(document.paths['/'], 'GET / is in /openapi.json');
});
