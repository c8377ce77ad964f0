import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { bcryptHashCount } from '@hallpass/auth';
import { buildApp } from '@hallpass/app';
import { NoResultFoundError, type DB } from '@hallpass/db';
import { testDB, type Teardownable } from '@hallpass/db/testing';
import { send } from './fixtures/app.ts';
import { logCapture, type LogCapture } from './fixtures/log.ts';
import { closedPort, testSmtp, type ReceivedMail } from './fixtures/smtp.ts';

const ANSWER = { message: 'a mail has been sent to this address: follow it to finish signing up' };
const MAIL_FROM = 'hallpass <no-reply@hallpass.test>';
const PUBLIC_ORIGIN = 'https://auth.example.com';
const CONFIRM_SUBJECT = 'Confirm your hallpass account';
const ATTEMPT_SUBJECT = 'Someone tried to sign up with your hallpass address';
const CONFIRMED = 'email confirmed';
const INVALID_TOKEN = 'invalid confirmation token: unknown, already used, or expired';
const UUID_V4 = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g;
const DAY = 24 * 60 * 60 * 1000;

/** A clock the test moves by hand. */
function handClock() {
  let now = Date.parse('2026-12-01T09:00:00Z');
  return { clock: () => new Date(now), advance: (ms: number) => void (now += ms) };
}

interface Production {
  app: FastifyInstance;
  db: DB;
  log: LogCapture;
}

/** The service in the production profile, mailing through `smtpUrl`, reading `clock`. */
async function production(t: Teardownable, smtpUrl: string, options: { clock?: () => Date; confirmationTokenLifetime?: number } = {}): Promise<Production> {
  const db = await testDB(t);
  const log = logCapture();
  const app = await buildApp({
    db,
    bcryptCost: 4,
    profile: 'production',
    logger: { level: 'info', stream: log.stream },
    mail: { smtpUrl, from: MAIL_FROM },
    clock: options.clock,
    security: {
      publicOrigin: PUBLIC_ORIGIN,
      ...(options.confirmationTokenLifetime === undefined ? {} : { expiry: { confirmationTokenLifetime: options.confirmationTokenLifetime } }),
    },
  });
  t.teardown(() => app.close());
  return { app, db, log };
}

/** The one token a confirmation mail holds. */
function tokenIn(mail: ReceivedMail): string {
  const tokens = [...new Set(mail.text.match(UUID_V4))];
  if (tokens.length !== 1) throw new Error(`expected one confirmation token (a UUID v4) in the mail, found ${tokens.length}:\n${mail.text}`);
  return tokens[0]!;
}

const signUp = (app: FastifyInstance, email: string, password: string) => send(app, 'POST', '/users', { email, password });
const confirm = (app: FastifyInstance, token: string) => send(app, 'POST', '/users/confirm', { confirmation_token: token });
const logIn = (app: FastifyInstance, email: string, password: string) => send(app, 'POST', '/sessions', { email, password });

/**
 * Signs `email` up in production and says whether the answer was the production one. Without it no mail is coming,
 * so a test that would wait for one stops instead (a wait without a deadline would only end with the file's timeout).
 */
async function signedUp(t: Test, app: FastifyInstance, email: string, password: string): Promise<boolean> {
  const answer = await signUp(app, email, password);
  return t.same(answer.json(), ANSWER, `the sign-up of ${email} gets the production answer, got ${answer.statusCode} ${answer.body}`);
}

/** Signs `email` up and confirms it with the mailed token; false when that could not be done. */
async function confirmedAccount(t: Test, app: FastifyInstance, email: string, password: string): Promise<boolean> {
  if (!(await signedUp(t, app, email, password))) return false;
  const answer = await confirm(app, tokenIn(await smtp.mailTo(email, CONFIRM_SUBJECT)));
  return t.equal(answer.statusCode, 200, `confirming ${email}: 200, got ${answer.statusCode} ${answer.body}`);
}

const smtp = await testSmtp(t);
const { app } = await production(t, smtp.url);

t.test('a new and a taken email get the same answer: status, body and headers', async (t) => {
  if (!(await confirmedAccount(t, app, 'taken@example.com', 'f1rst-0wn3r-passw0rd'))) return;
  const taken = await signUp(app, 'taken@example.com', 'an0th3r-passw0rd-here');
  const fresh = await signUp(app, 'fresh@example.com', 'fr3sh-s1gn-up-passw0rd');
  t.equal(fresh.statusCode, 200, `a new email: 200, got ${fresh.statusCode} ${fresh.body}`);
  t.equal(taken.statusCode, 200, `a taken email: 200 as well, not 400, got ${taken.statusCode} ${taken.body}`);
  t.same(fresh.json(), ANSWER, 'the body is exactly {"message": "a mail has been sent to this address: follow it to finish signing up"}');
  t.equal(taken.body, fresh.body, 'the two bodies are the same bytes');
  const headers = (answer: typeof fresh) => {
    const { date: _date, 'x-request-id': _id, ...rest } = answer.headers;
    return rest;
  };
  t.same(headers(taken), headers(fresh), 'the same headers, names and values (Date and X-Request-Id aside)');
});

t.test('a taken email costs the same bcrypt work as a new one, and the answer waits for no mail', async (t) => {
  if (!(await confirmedAccount(t, app, 'busy@example.com', 'bu5y-0wn3r-passw0rd'))) return;
  for (const [what, email] of [['a new email', 'slow-new@example.com'], ['a taken email', 'busy@example.com']] as const) {
    const hashes = bcryptHashCount();
    smtp.hold();
    const pending = signUp(app, email, 'sl0w-m41l-s3rv3r-pw');
    // An answer that waits for the delivery cannot come before the server holds the mail; one that does not, comes first.
    const first = await Promise.race([pending.then(() => 'answer'), smtp.holding().then(() => 'mail held')]);
    smtp.release();
    const answer = await pending;
    t.equal(first, 'answer', `${what}: answered before its mail was taken by the server`);
    if (!t.same(answer.json(), ANSWER, `${what}: the production answer`)) return;
    t.equal(bcryptHashCount() - hashes, 1, `${what}: one bcrypt hash, made before the answer`);
    await smtp.mailTo(email, what === 'a new email' ? CONFIRM_SUBJECT : ATTEMPT_SUBJECT);
  }
});

t.test('a new email gets a confirmation mail; its token confirms the account once, and it logs in after', async (t) => {
  const answer = await app.inject({
    method: 'POST',
    url: '/users',
    headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' },
    payload: { email: 'Ada.Lovelace@example.com', password: 'n0t3s-0n-th3-3ngine' },
  });
  if (!t.same(answer.json(), ANSWER, 'the production answer')) return;
  const mail = await smtp.mailTo('Ada.Lovelace@example.com', CONFIRM_SUBJECT);
  t.same(mail.envelope.to, ['Ada.Lovelace@example.com'], 'sent to the address signed up');
  t.same(mail.from, { name: 'hallpass', address: 'no-reply@hallpass.test' }, 'the From header is MAIL_FROM');
  const token = tokenIn(mail);
  t.notOk(answer.body.includes(token), 'the answer does not hold the token');
  const link = /https:\/\/auth\.example\.com\/try#\S*confirmation_token=\S*/.exec(mail.text)?.[0];
  t.ok(link, `the mail links to PUBLIC_ORIGIN's /try page with the token in the fragment:\n${mail.text}`);
  const url = new URL(link ?? PUBLIC_ORIGIN);
  t.equal(url.search, '', 'nothing in the query string');
  t.equal(new URLSearchParams(url.hash.slice(1)).get('confirmation_token'), token, 'the fragment\'s confirmation_token is the token');
  t.match(mail.text, 'POST /users/confirm', 'the mail names the route that takes the token');
  t.notOk(mail.raw.includes('evil.example'), 'nothing in the mail comes from the request\'s Host');

  const before = await logIn(app, 'Ada.Lovelace@example.com', 'n0t3s-0n-th3-3ngine');
  t.equal(before.statusCode, 401, 'no login before the email is confirmed');
  const confirmed = await confirm(app, token);
  t.equal(confirmed.statusCode, 200, `the token confirms the account, got ${confirmed.statusCode} ${confirmed.body}`);
  t.same(confirmed.json(), { email: 'Ada.Lovelace@example.com', message: CONFIRMED }, 'the answer: {"email": …, "message": "email confirmed"}');
  const again = await confirm(app, token);
  t.equal(again.statusCode, 403, 'a second use of the token: 403');
  t.equal(again.json().message, INVALID_TOKEN);
  const after = await logIn(app, 'ada.lovelace@EXAMPLE.com', 'n0t3s-0n-th3-3ngine');
  t.equal(after.statusCode, 200, `the confirmed account logs in, got ${after.statusCode} ${after.body}`);
});

t.test('a taken email: its owner gets a notice naming the reset route, and nothing else changes', async (t) => {
  if (!(await confirmedAccount(t, app, 'Grace.Hopper@example.com', 'c0b0l-1959-c0mp1ler'))) return;
  const answer = await signUp(app, 'grace.hopper@EXAMPLE.com', 'att4ck3r-ch0s3n-pw');
  if (!t.same(answer.json(), ANSWER, 'the production answer')) return;
  const notice = await smtp.mailTo('Grace.Hopper@example.com', ATTEMPT_SUBJECT);
  t.same(notice.envelope.to, ['Grace.Hopper@example.com'], 'sent to the address as registered, not as typed');
  t.match(notice.text, /Someone tried to sign up for hallpass with Grace\.Hopper@example\.com, which already has an account/, 'it says what happened');
  t.match(notice.text, 'POST /reset_password', 'it names the reset route');
  t.match(notice.text, `${PUBLIC_ORIGIN}/try`, 'and the /try page on PUBLIC_ORIGIN');
  t.same(notice.text.match(UUID_V4), null, 'no token, nor anything like one');
  t.equal((await logIn(app, 'Grace.Hopper@example.com', 'c0b0l-1959-c0mp1ler')).statusCode, 200, 'the owner\'s password still logs in');
  t.equal((await logIn(app, 'Grace.Hopper@example.com', 'att4ck3r-ch0s3n-pw')).statusCode, 401, 'the sign-up\'s password does not');
  t.equal(smtp.mails.filter((mail) => mail.envelope.to.includes('Grace.Hopper@example.com') && mail.subject === CONFIRM_SUBJECT).length, 1, 'no second confirmation mail');
});

t.test('a login before confirmation gets exactly the 401 of a wrong password', async (t) => {
  if (!(await confirmedAccount(t, app, 'known@example.com', 'kn0wn-acc0unt-passw0rd'))) return;
  if (!(await signedUp(t, app, 'pending@example.com', 'p3nd1ng-acc0unt-pw'))) return;
  await smtp.mailTo('pending@example.com', CONFIRM_SUBJECT);
  const pending = await logIn(app, 'pending@example.com', 'p3nd1ng-acc0unt-pw');
  const wrong = await logIn(app, 'known@example.com', 'wr0ng-passw0rd-given');
  t.equal(pending.statusCode, 401, `an unconfirmed account with its right password: 401, got ${pending.statusCode}`);
  t.equal(pending.body, wrong.body, 'the same body as a wrong password');
  t.notOk(pending.cookies.some((cookie) => cookie.value !== ''), 'no session cookie');
});

t.test('ten confirmations at once with one token: exactly one succeeds', async (t) => {
  if (!(await signedUp(t, app, 'racer@example.com', 'r4c3r-s1gn-up-passw0rd'))) return;
  const token = tokenIn(await smtp.mailTo('racer@example.com', CONFIRM_SUBJECT));
  const answers = await Promise.all(Array.from({ length: 10 }, () => confirm(app, token)));
  const statuses = answers.map((answer) => answer.statusCode).sort();
  t.same(statuses, [200, ...Array<number>(9).fill(403)], 'one 200 and nine 403');
});

t.test('bad confirmation tokens: 403 for one that is unknown or malformed, 400 without one', async (t) => {
  for (const token of ['8f6c5a0e-3c1b-4d2a-9e7f-1a2b3c4d5e6f', 'not-a-token']) {
    const answer = await confirm(app, token);
    t.equal(answer.statusCode, 403, `${token}: 403`);
    t.equal(answer.json().message, INVALID_TOKEN);
  }
  t.equal((await send(app, 'POST', '/users/confirm', {})).statusCode, 400, 'no confirmation_token: 400');
});

t.test('a confirmation token expires after 24 hours, and the unconfirmed account is deleted at the next sign-up', async (t) => {
  const time = handClock();
  const { app, db } = await production(t, smtp.url, { clock: time.clock });
  for (const name of ['early', 'late', 'kept']) if (!(await signedUp(t, app, `${name}@example.com`, 'w41t1ng-f0r-th3-m41l'))) return;
  const early = tokenIn(await smtp.mailTo('early@example.com', CONFIRM_SUBJECT));
  const late = tokenIn(await smtp.mailTo('late@example.com', CONFIRM_SUBJECT));
  t.equal((await confirm(app, tokenIn(await smtp.mailTo('kept@example.com', CONFIRM_SUBJECT)))).statusCode, 200, 'kept@ is confirmed at once');
  time.advance(DAY - 1000);
  t.equal((await confirm(app, early)).statusCode, 200, 'a second before 24 hours: the token works');
  time.advance(1000);
  const expired = await confirm(app, late);
  t.equal(expired.statusCode, 403, 'at 24 hours: refused');
  t.equal(expired.json().message, INVALID_TOKEN);
  t.equal((await logIn(app, 'late@example.com', 'w41t1ng-f0r-th3-m41l')).statusCode, 401, 'the account still cannot log in');

  await signUp(app, 'someone-else@example.com', 's0me0ne-3lse-passw0rd');
  await t.rejects(db.findUserBy({ email: 'late@example.com' }), NoResultFoundError, 'the next sign-up deleted the unconfirmed account');
  t.ok(await db.findUserBy({ email: 'kept@example.com' }), 'a confirmed account that never logged in is kept');
  t.ok(await db.findUserBy({ email: 'early@example.com' }), 'and so is one confirmed in time');

  // The address is free again: a new sign-up is a new account, with a new token (the first mail is set aside to wait for the second).
  smtp.mails.splice(0, smtp.mails.length, ...smtp.mails.filter((mail) => !mail.envelope.to.includes('late@example.com')));
  if (!(await signedUp(t, app, 'late@example.com', 'l4te-s3cond-passw0rd'))) return;
  const second = tokenIn(await smtp.mailTo('late@example.com', CONFIRM_SUBJECT));
  t.not(second, late, 'a new token');
  t.equal((await confirm(app, second)).statusCode, 200, 'the second sign-up\'s token confirms it');
  t.equal((await logIn(app, 'late@example.com', 'l4te-s3cond-passw0rd')).statusCode, 200, 'with the second password');
});

t.test('the lifetime is configurable (CONFIRMATION_TOKEN_LIFETIME_SECONDS: expiry.confirmationTokenLifetime)', async (t) => {
  const time = handClock();
  const { app } = await production(t, smtp.url, { clock: time.clock, confirmationTokenLifetime: 60 });
  if (!(await signedUp(t, app, 'brief@example.com', 'br13f-s1gn-up-passw0rd'))) return;
  const token = tokenIn(await smtp.mailTo('brief@example.com', CONFIRM_SUBJECT));
  time.advance(60_000);
  t.equal((await confirm(app, token)).statusCode, 403, 'refused after 60 seconds');
});

t.test('with the mail server down, the answer is the same 200, and the failure is logged without the token', async (t) => {
  const down = await production(t, `smtp://127.0.0.1:${await closedPort()}`);
  const answer = await signUp(down.app, 'unlucky@example.com', 'unl4cky-m41l-d0wn-pw');
  t.equal(answer.statusCode, 200, `not a 5xx, got ${answer.statusCode} ${answer.body}`);
  if (!t.same(answer.json(), ANSWER, 'the production answer')) return;
  const failure = await down.log.line((line) => line.msg === 'sign-up mail not sent', 'the failed sign-up mail was not logged');
  t.equal(failure.level, 50, 'logged as `sign-up mail not sent` at level error (50)');
  const digest = (await down.db.findUserBy({ email: 'unlucky@example.com' })).confirmationToken;
  t.ok(digest, 'a token was issued');
  const logged = [...new Set(down.log.text().match(UUID_V4))].filter((uuid) => createHash('sha256').update(uuid).digest('hex') === digest);
  t.same(logged, [], 'no log line holds the token');
  t.notOk(down.log.text().includes(`${PUBLIC_ORIGIN}/try#`), 'nor the link');
});

t.test('the course profile keeps the contract: 400 for a taken email, no confirmation, no mail', async (t) => {
  const course = await buildApp({ db: await testDB(t), bcryptCost: 4, mail: { smtpUrl: smtp.url, from: MAIL_FROM }, security: { publicOrigin: PUBLIC_ORIGIN } });
  t.teardown(() => course.close());
  const first = await signUp(course, 'course@example.com', 'b4l0u');
  t.same(first.json(), { email: 'course@example.com', message: 'user created' });
  const again = await signUp(course, 'course@example.com', 'b4l0u');
  t.equal(again.statusCode, 400);
  t.same(again.json(), { message: 'email already registered' });
  t.equal((await logIn(course, 'course@example.com', 'b4l0u')).statusCode, 200, 'the account logs in at once');
  // The production app's mail to a later sign-up comes after any mail the course app could have sent.
  if (!(await signedUp(t, app, 'after-course@example.com', '4ft3r-c0urs3-passw0rd'))) return;
  await smtp.mailTo('after-course@example.com', CONFIRM_SUBJECT);
  t.same(smtp.mails.filter((mail) => mail.envelope.to.includes('course@example.com')), [], 'the course profile mails nothing');
});
