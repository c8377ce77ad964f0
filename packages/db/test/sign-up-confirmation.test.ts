/** The data layer of production sign-ups (task 33): unconfirmed accounts, their tokens, and their deletion. */
import t from 'tap';
import { InvalidArgumentError, NoResultFoundError, User } from '@hallpass/db';
import { testDB } from '@hallpass/db/testing';

const issued = new Date('2026-12-01T09:00:00Z');
const at = (ms: number): Date => new Date(issued.getTime() + ms);

t.test('addUnconfirmedUser saves a new account with its token, and writes nothing for a taken email', async (t) => {
  const db = await testDB(t);
  const added = await db.addUnconfirmedUser('Ada@example.com', 'hash-1', 'digest-1', issued);
  t.ok(added instanceof User, 'a User');
  t.match(added, { email: 'Ada@example.com', canonicalEmail: 'ada@example.com', hashedPassword: 'hash-1', confirmationToken: 'digest-1' });
  t.equal(added?.confirmationCreatedAt?.getTime(), issued.getTime());
  t.equal(await db.addUnconfirmedUser('ADA@example.com', 'hash-2', 'digest-2', issued), null, 'a taken email, in any case: null');
  t.match(await db.findUserBy({ email: 'ada@example.com' }), { hashedPassword: 'hash-1', confirmationToken: 'digest-1' }, 'and the account is as it was');
  const confirmed = await db.addUser('old@example.com', 'hash-3');
  t.equal(confirmed.confirmationToken, null, 'addUser makes a confirmed account');
});

t.test('consumeConfirmationToken confirms once, within the lifetime', async (t) => {
  const db = await testDB(t);
  const { id } = (await db.addUnconfirmedUser('bob@example.com', 'hash', 'digest-b', issued))!;
  t.equal(await db.consumeConfirmationToken('digest-b', at(0)), null, 'issued at the cutoff: expired');
  t.equal(await db.consumeConfirmationToken('other-digest', at(-1)), null, 'an unknown digest');
  const user = await db.consumeConfirmationToken('digest-b', at(-1));
  t.match(user, { id, email: 'bob@example.com', confirmationToken: null, confirmationCreatedAt: null }, 'confirmed');
  t.equal(await db.consumeConfirmationToken('digest-b', at(-1)), null, 'spent');
  await db.addUnconfirmedUser('cy@example.com', 'hash', 'digest-c', issued);
  const uses = await Promise.all(Array.from({ length: 10 }, () => db.consumeConfirmationToken('digest-c', at(-1))));
  t.equal(uses.filter((use) => use !== null).length, 1, 'of ten uses at once, one confirms');
});

t.test('deleteUnconfirmedUsers deletes the unconfirmed accounts issued at or before the cutoff, and nothing else', async (t) => {
  const db = await testDB(t);
  await db.addUnconfirmedUser('old@example.com', 'hash', 'digest-old', at(-1000));
  await db.addUnconfirmedUser('edge@example.com', 'hash', 'digest-edge', at(0));
  await db.addUnconfirmedUser('young@example.com', 'hash', 'digest-young', at(1000));
  await db.addUnconfirmedUser('done@example.com', 'hash', 'digest-done', at(-1000));
  await db.consumeConfirmationToken('digest-done', at(-2000));
  await db.addUser('plain@example.com', 'hash');
  t.equal(await db.deleteUnconfirmedUsers(at(0)), 2, 'two deleted');
  for (const email of ['old@example.com', 'edge@example.com']) await t.rejects(db.findUserBy({ email }), NoResultFoundError, `${email} is gone`);
  for (const email of ['young@example.com', 'done@example.com', 'plain@example.com']) t.ok(await db.findUserBy({ email }), `${email} is kept`);
});

t.test('bad arguments are refused with typed errors', async (t) => {
  const db = await testDB(t);
  const refusals: Array<[string, () => Promise<unknown>]> = [
    ['an empty email', () => db.addUnconfirmedUser('', 'hash', 'digest', issued)],
    ['an empty hash', () => db.addUnconfirmedUser('a@example.com', '', 'digest', issued)],
    ['an empty token', () => db.addUnconfirmedUser('a@example.com', 'hash', '', issued)],
    ['an invalid date', () => db.addUnconfirmedUser('a@example.com', 'hash', 'digest', new Date(Number.NaN))],
    ['a date that is a string', () => db.consumeConfirmationToken('digest', '2026-12-01' as unknown as Date)],
    ['a token that is a number', () => db.consumeConfirmationToken(42 as unknown as string, issued)],
    ['no cutoff', () => db.deleteUnconfirmedUsers(undefined as unknown as Date)],
  ];
  for (const [what, call] of refusals) await t.rejects(call(), InvalidArgumentError, what);
  const user = await db.addUser('z@example.com', 'hash');
  await db.updateUser(user.id, { confirmationToken: 'digest-z', confirmationCreatedAt: issued });
  await db.updateUser(user.id, { confirmationToken: null, confirmationCreatedAt: null });
  t.match(await db.findUserBy({ id: user.id }), { confirmationToken: null, confirmationCreatedAt: null }, 'updateUser clears both');
});
