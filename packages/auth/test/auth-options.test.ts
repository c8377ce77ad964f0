import t from 'tap';
import { Auth, InvalidArgumentError } from '@hallpass/auth';
import { testDB } from '@hallpass/db/testing';

t.test('Auth refuses a missing database and a bad bcrypt cost', async (t) => {
  const db = await testDB(t);
  t.throws(() => new Auth(null as never), { code: 'ERR_INVALID_ARGUMENT', message: 'Auth needs an opened DB, got null' });
  t.throws(() => new Auth('postgres://x' as never), { message: 'Auth needs an opened DB, got a string' });
  for (const bcryptCost of [3, 32, 10.5, '12', null]) {
    t.throws(() => new Auth(db, { bcryptCost: bcryptCost as number }), InvalidArgumentError, `bcryptCost ${String(bcryptCost)}`);
    t.throws(() => new Auth(db, { bcryptCost: bcryptCost as number }), { message: /^the bcrypt cost must be a whole number from 4 to 31/ });
  }
  t.ok(new Auth(db), 'no options: the defaults');
  t.ok(new Auth(db, {}), 'empty options');
  t.ok(new Auth(db, { bcryptCost: 31 }), 'the highest cost bcrypt defines');
});

t.test('a database failure is not mistaken for an unknown user', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await db.close();
  const error = await auth.validLogin('bob@bob.com', 'MyPwdOfBob').catch((e: unknown) => e);
  t.ok(error instanceof Error, 'validLogin rejects instead of answering false');
  t.notMatch(error, { code: /^ERR_/ }, 'with the database error itself');
});

t.test('the expiry options are whole numbers of seconds, at least 1; the clock is a function', async (t) => {
  const db = {} as never;
  for (const name of ['sessionIdleTimeout', 'sessionAbsoluteTimeout', 'resetTokenLifetime']) {
    for (const value of [0, -1, 1.5, '60', Number.NaN]) {
      t.throws(() => new Auth(db, { [name]: value }), { code: 'ERR_INVALID_ARGUMENT', message: new RegExp(`${name} must be a whole number of seconds`) }, `${name} = ${String(value)}`);
    }
    t.doesNotThrow(() => new Auth(db, { [name]: 1 }), `${name} = 1`);
  }
  t.throws(() => new Auth(db, { clock: 'now' as never }), { code: 'ERR_INVALID_ARGUMENT', message: /clock must be a function/ });
});
