/** Production sign-ups in Auth (task 33): the same work for a new and a taken email, confirmation, expiry and login. */
import t from 'tap';
import { Auth, DEFAULT_CONFIRMATION_TOKEN_LIFETIME, InvalidArgumentError, InvalidConfirmationTokenError, NoResultFoundError, WeakPasswordError, bcryptHashCount, hashToken } from '@hallpass/auth';
import { testDB } from '@hallpass/db/testing';

/** A clock the test moves by hand. */
function handClock() {
  let now = Date.parse('2026-12-01T09:00:00Z');
  return { clock: () => new Date(now), advance: (ms: number) => void (now += ms) };
}

t.test('registerUnconfirmedUser: a new email gets an unconfirmed account and a token; a taken one, null and one hash all the same', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await auth.registerUser('Taken@example.com', 'b4l0u');
  let hashes = bcryptHashCount();
  const issued = await auth.registerUnconfirmedUser('New@example.com', 'n3w-pass');
  t.equal(bcryptHashCount() - hashes, 1, 'a new email: one hash');
  t.equal(issued?.email, 'New@example.com');
  t.match(issued?.confirmationToken, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'the token is a UUID v4');
  t.equal((await db.findUserBy({ email: 'new@example.com' })).confirmationToken, hashToken(issued!.confirmationToken), 'its digest is stored, not the token');
  hashes = bcryptHashCount();
  t.equal(await auth.registerUnconfirmedUser('taken@EXAMPLE.com', 'an0ther-pass'), null, 'a taken email: null');
  t.equal(bcryptHashCount() - hashes, 1, 'a taken email: one hash too');
  t.ok(await auth.validLogin('Taken@example.com', 'b4l0u'), 'the taken account is unchanged');
  t.equal(await auth.registerUnconfirmedUser('new@example.com', 'n3w-pass'), null, 'an unconfirmed account takes its email too');
});

t.test('validLogin refuses an unconfirmed account with its right password, until it is confirmed', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const issued = await auth.registerUnconfirmedUser('pending@example.com', 'p3nd1ng');
  t.equal(await auth.validLogin('pending@example.com', 'p3nd1ng'), false, 'unconfirmed: false');
  t.equal(await auth.confirmEmail(issued!.confirmationToken), 'pending@example.com', 'confirmEmail gives the account\'s email');
  t.equal(await auth.validLogin('pending@example.com', 'p3nd1ng'), true, 'confirmed: true');
  await t.rejects(auth.confirmEmail(issued!.confirmationToken), InvalidConfirmationTokenError, 'the token is spent');
});

t.test('confirmEmail refuses what is not a live token', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await t.rejects(auth.confirmEmail('not-a-uuid'), { code: 'ERR_INVALID_CONFIRMATION_TOKEN' }, 'malformed');
  await t.rejects(auth.confirmEmail('8f6c5a0e-3c1b-4d2a-9e7f-1a2b3c4d5e6f'), { code: 'ERR_INVALID_CONFIRMATION_TOKEN' }, 'unknown');
  await t.rejects(auth.confirmEmail(''), InvalidArgumentError, 'empty');
  await t.rejects(auth.registerUnconfirmedUser('', 'pw'), InvalidArgumentError, 'no email');
  await t.rejects(auth.registerUnconfirmedUser('a@example.com', 'x'.repeat(73)), InvalidArgumentError, 'a password bcrypt would cut');
  const nist = new Auth(db, { bcryptCost: 4, passwordPolicy: 'nist' });
  await t.rejects(nist.registerUnconfirmedUser('a@example.com', 'short'), WeakPasswordError, 'the password policy applies');
});

t.test('tokens expire after confirmationTokenLifetime (24 hours by default), and expired unconfirmed accounts are deleted', async (t) => {
  t.equal(DEFAULT_CONFIRMATION_TOKEN_LIFETIME, 86_400);
  const db = await testDB(t);
  const time = handClock();
  const auth = new Auth(db, { bcryptCost: 4, clock: time.clock });
  const early = await auth.registerUnconfirmedUser('early@example.com', 'pw-1');
  const late = await auth.registerUnconfirmedUser('late@example.com', 'pw-2');
  time.advance(DEFAULT_CONFIRMATION_TOKEN_LIFETIME * 1000 - 1);
  t.equal(await auth.confirmEmail(early!.confirmationToken), 'early@example.com', 'just in time');
  t.equal(await auth.deleteExpiredUnconfirmedUsers(), 0, 'nothing has expired yet');
  time.advance(1);
  await t.rejects(auth.confirmEmail(late!.confirmationToken), InvalidConfirmationTokenError, 'at 24 hours: expired');
  t.equal(await auth.deleteExpiredUnconfirmedUsers(), 1, 'the expired account is deleted');
  await t.rejects(db.findUserBy({ email: 'late@example.com' }), NoResultFoundError);
  t.ok(await db.findUserBy({ email: 'early@example.com' }), 'the confirmed one is kept');

  const brief = new Auth(db, { bcryptCost: 4, clock: time.clock, confirmationTokenLifetime: 60 });
  const issued = await brief.registerUnconfirmedUser('brief@example.com', 'pw-3');
  time.advance(60_000);
  t.ok(await brief.registerUnconfirmedUser('brief@example.com', 'pw-4'), 'a sign-up after the lifetime deletes the expired account first: the address is new again');
  await t.rejects(brief.confirmEmail(issued!.confirmationToken), InvalidConfirmationTokenError, 'the old token confirms nothing');
  t.throws(() => new Auth(db, { confirmationTokenLifetime: 0 }), InvalidArgumentError, 'a lifetime of at least a second');
});
