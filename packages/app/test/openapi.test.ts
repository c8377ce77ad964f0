import t from 'tap';
import { testApp } from './fixtures/app.ts';

t.test('/openapi.json describes every route of the contract, with both body encodings', async (t) => {
  const { app } = await testApp(t);
  const response = await app.inject('/openapi.json');
  t.equal(response.statusCode, 200);
  const document = response.json<{ openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> }; responses: Record<string, unknown> }>> }>();
  t.match(document.openapi, /^3\./);
  const routes = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
  t.same(routes.sort(), [
    'DELETE /sessions',
    'DELETE /sessions/others',
    'DELETE /sessions/{id}',
    'GET /',
    'GET /profile',
    'GET /sessions',
    'POST /reset_password',
    'POST /sessions',
    'POST /users',
    'POST /users/confirm',
    'PUT /password',
    'PUT /reset_password',
  ]);
  for (const [path, method] of [['/users', 'post'], ['/users/confirm', 'post'], ['/sessions', 'post'], ['/reset_password', 'post'], ['/reset_password', 'put'], ['/password', 'put']] as const) {
    t.same(Object.keys(document.paths[path]?.[method]?.requestBody?.content ?? {}).sort(), ['application/json', 'application/x-www-form-urlencoded'], `${method} ${path}`);
  }
  t.ok(document.paths['/sessions']?.post?.responses['401'], 'error answers are described too');
  t.ok(document.paths['/profile']?.get?.responses['403']);
  t.ok(document.paths['/sessions/{id}']?.delete?.responses['404'], 'DELETE /sessions/{id} describes its 404');
});

t.test('/docs is an interactive page served without the network', async (t) => {
  const { app } = await testApp(t);
  const page = await app.inject('/docs');
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /^text\/html/);
  t.match(page.body, /swagger-ui/i);
  t.notMatch(page.body, /https?:\/\/(?!localhost)[a-z]/i, 'no asset comes from another host');
  const bundle = await app.inject('/docs/static/swagger-ui-bundle.js');
  t.equal(bundle.statusCode, 200, 'the UI\'s script is served by the app');
  const initializer = await app.inject('/docs/static/swagger-initializer.js');
  t.equal(initializer.statusCode, 200);
  t.match(initializer.body, /resolveUrl\('\.\/json'\)/, 'the page loads the service\'s own document (/docs/json)');
});
