/** Scale-out: two instances share one PostgreSQL database; a session is good on both, and a logout ends it on both. */
import t from 'tap';
import { call, listeningService, postgresDatabase, postgresUrl, skipReason } from '../fixtures/reliability.ts';

if (postgresUrl === undefined) t.test(skipReason, { skip: skipReason }, () => {});
else
  t.test('a session made on one instance works on the other, and logging out on one ends it on both', async (t) => {
    const url = await postgresDatabase(t);
    const a = await listeningService(t, url);
    const b = await listeningService(t, url);
    t.not(a.base, b.base, 'two instances on two ports');

    t.equal((await call(a.base, 'POST', '/users', { email: 'bob@example.com', password: 'pw-12345' })).status, 200, 'sign-up on A');
    t.equal((await call(b.base, 'POST', '/users', { email: 'bob@example.com', password: 'pw-12345' })).status, 400, 'B sees the account A made');
    const login = await call(b.base, 'POST', '/sessions', { email: 'bob@example.com', password: 'pw-12345' });
    t.equal(login.status, 200, 'log-in on B');
    const session = login.cookie ?? '';
    t.same((await call(a.base, 'GET', '/profile', undefined, session)).body, { email: 'bob@example.com' }, 'the session works on A');

    t.equal((await call(a.base, 'DELETE', '/sessions', undefined, session)).status, 302, 'log-out on A');
    t.equal((await call(b.base, 'GET', '/profile', undefined, session)).status, 403, 'the session is over on B');
    t.equal((await call(a.base, 'GET', '/profile', undefined, session)).status, 403, 'and on A');
  });
