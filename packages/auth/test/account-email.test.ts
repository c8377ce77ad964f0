import t from 'tap';
import { Auth } from '@hallpass/auth';
import { testDB } from '@hallpass/db/testing';

t.test('accountEmail: the address an account was registered with, whatever spelling finds it', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await auth.registerUser('Bob@Example.com', 'MyPwdOfBob');
  t.equal(await auth.accountEmail(' BOB@example.com '), 'Bob@Example.com', 'as stored, not as typed');
  t.equal(await auth.accountEmail('\uff42\uff4f\uff42@example.com'), 'Bob@Example.com', 'full-width letters find it too');
  t.equal(await auth.accountEmail('nobody@example.com'), null, 'no account: null');
  t.equal(await auth.accountEmail('bob\u200b@example.com'), null, 'an address no account can have: null');
  await t.rejects(auth.accountEmail('' as string), { code: 'ERR_INVALID_ARGUMENT', message: /email/ });
});
