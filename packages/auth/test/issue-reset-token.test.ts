import t from 'tap';
import { Auth, InvalidArgumentError } from '@hallpass/auth';
import { testDB } from '@hallpass/db/testing';

const db = await testDB(t);
const auth = new Auth(db, { bcryptCost: 4 });
await auth.registerUser('Grace.Hopper@Example.com', 'c0b0l-1959');

t.test('issueResetToken gives a known account\'s token with its address as stored', async (t) => {
  const issued = await auth.issueResetToken('  grace.hopper@EXAMPLE.com ');
  t.equal(issued?.email, 'Grace.Hopper@Example.com', 'the address given at sign-up, not the one typed now');
  t.type(issued?.resetToken, 'string');
  await auth.updatePassword(issued!.resetToken, 'n3w-pass-1', { email: 'grace.hopper@example.com' });
  t.ok(await auth.validLogin('Grace.Hopper@Example.com', 'n3w-pass-1'), 'the token is the account\'s live reset token');
});

t.test('issueResetToken answers null for an unknown email, and refuses what is not an email', async (t) => {
  t.equal(await auth.issueResetToken('nobody@example.com'), null);
  await t.rejects(auth.issueResetToken(''), InvalidArgumentError);
});
