import t from 'tap';
import { buildApp } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';

t.test('GET / answers {"message": "Bienvenue"}', async (t) => {
  const app = await buildApp({ db: await testDB(t) });
  t.teardown(() => app.close());
  const response = await app.inject({ method: 'GET', url: '/' });
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], /^application\/json/);
  t.same(response.json(), { message: 'Bienvenue' });
});

t.test('an unknown route is a 404 with a JSON message', async (t) => {
  const app = await buildApp({ db: await testDB(t) });
  t.teardown(() => app.close());
  const response = await app.inject({ method: 'GET', url: '/nowhere' });
  t.equal(response.statusCode, 404);
  t.match(response.json(), { message: /Route GET:\/nowhere not found/ });
});
