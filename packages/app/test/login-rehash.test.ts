/** A login re-hashes a password stored at another bcrypt cost at the service's own (BCRYPT_COST). */
import t from 'tap';
import { buildApp } from '@hallpass/app';
import { hashPassword } from '@hallpass/auth';
import { testDB } from '@hallpass/db/testing';
import { send } from './fixtures/app.ts';

t.test('a user whose hash has cost 4 logs in to a service of cost 5: the stored hash then has cost 5', async (t) => {
  const db = await testDB(t);
  const app = await buildApp({ db, bcryptCost: 5 });
  t.teardown(() => app.close());
  const bob = await db.addUser('bob@example.com', await hashPassword('b4l0u', { cost: 4 }));
  const costNow = async () => Number((await db.findUserBy({ id: bob.id })).hashedPassword.split('$')[2]);

  t.equal((await send(app, 'POST', '/sessions', { email: 'bob@example.com', password: 'wrong' })).statusCode, 401);
  t.equal(await costNow(), 4, 'a failed login changes nothing');
  t.equal((await send(app, 'POST', '/sessions', { email: 'bob@example.com', password: 'b4l0u' })).statusCode, 200);
  t.equal(await costNow(), 5, 'after the login, the configured cost');
  t.equal((await send(app, 'POST', '/sessions', { email: 'bob@example.com', password: 'b4l0u' })).statusCode, 200, 'the new hash opens with the same password');
});
