import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { buildApp, noticesSettled } from '@hallpass/app';
import type { DB } from '@hallpass/db';
import { testDB, type Teardownable } from '@hallpass/db/testing';
import { send, signUp } from './fixtures/app.ts';
import { logCapture, type LogCapture } from './fixtures/log.ts';
import { closedPort, testSmtp, type ReceivedMail } from './fixtures/smtp.ts';

const ANSWER = { message: 'if an account uses this email, a password-reset link has been sent to it' };
const MAIL_FROM = 'hallpass <no-reply@hallpass.test>';
const PUBLIC_ORIGIN = 'https://auth.example.com';
const RESET_SUBJECT = 'Reset your hallpass password';
const CHANGED_SUBJECT = 'Your hallpass password was changed';
const UUID_V4 = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g;

/** The service in the production profile, mailing through `smtpUrl`; reset requests limited to 3 per account. */
async function production(t: Teardownable, smtpUrl: string, log: LogCapture): Promise<{ app: FastifyInstance; db: DB }> {
  const db = await testDB(t);
  const app = await buildApp({
    db,
    bcryptCost: 4,
    profile: 'production',
    logger: { level: 'info', stream: log.stream },
    mail: { smtpUrl, from: MAIL_FROM },
    security: { publicOrigin: PUBLIC_ORIGIN, rateLimits: { resetRequestsPerAccount: 3 } },
  });
  t.teardown(() => app.close());
  return { app, db };
}

/** A reset mail or a notice of a changed password: not the mail a production sign-up sends (task 33). */
function isAboutPassword(mail: { subject: string }): boolean {
  return mail.subject === RESET_SUBJECT || mail.subject === CHANGED_SUBJECT;
}

/**
 * The notice of a changed password to `address`. The route starts it before it
 * answers (step 4), so once every notice started by then has gone out
 * (`noticesSettled`, given code), it is in the mailbox or it is not coming.
 */
async function noticeTo(t: Test, address: string): Promise<ReceivedMail | undefined> {
  await noticesSettled(app);
  const notice = smtp.mails.find((mail) => mail.envelope.to.includes(address) && mail.subject === CHANGED_SUBJECT);
  if (notice === undefined) {
    t.fail(`no mail "${CHANGED_SUBJECT}" to ${address}: once the change has succeeded, and before the route answers, call notifyPasswordChanged (step 4)`);
  }
  return notice;
}

/** The one token a reset mail holds. */
function tokenIn(text: string): string {
  const tokens = [...new Set(text.match(UUID_V4))];
  if (tokens.length !== 1) throw new Error(`expected one reset token (a UUID v4) in the mail, found ${tokens.length}:\n${text}`);
  return tokens[0]!;
}

const smtp = await testSmtp(t);
const log = logCapture();
const { app } = await production(t, smtp.url, log);

t.test('a known and an unknown email get the same answer, byte for byte, and it holds no token', async (t) => {
  await signUp(app, 'ada@example.com', 'n0t3s-g-4-b4bb4g3');
  const known = await send(app, 'POST', '/reset_password', { email: 'ada@example.com' });
  const unknown = await send(app, 'POST', '/reset_password', { email: 'nobody@example.com' });
  t.equal(known.statusCode, 200, `a known email: 200, got ${known.statusCode} ${known.body}`);
  t.equal(unknown.statusCode, 200, `an unknown email: 200 as well, not 403, got ${unknown.statusCode} ${unknown.body}`);
  t.equal(unknown.body, known.body, 'the two bodies are the same bytes');
  t.equal(unknown.headers['content-type'], known.headers['content-type'], 'the same Content-Type');
  // Without the production answer there is no mail to wait for.
  if (!t.same(known.json(), ANSWER, 'the body is exactly {"message": "if an account uses this email, a password-reset link has been sent to it"}: no token, no email')) return;
  const token = tokenIn((await smtp.mailTo('ada@example.com', RESET_SUBJECT)).text);
  t.notOk(known.body.includes(token), 'the answer does not hold the mailed token');
});

t.test('the mail goes to the address the account was registered with, from MAIL_FROM, with a link on PUBLIC_ORIGIN, and its token works', async (t) => {
  await signUp(app, 'Grace.Hopper@example.com', 'c0b0l-1959-compiler');
  // Typed in other letters, with a Host header of the client's choosing.
  const answer = await app.inject({
    method: 'POST',
    url: '/reset_password',
    headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'email=grace.hopper%40Example.COM',
  });
  if (!t.same(answer.json(), ANSWER, 'the production answer')) return;
  const mail = await smtp.mailTo('Grace.Hopper@example.com', RESET_SUBJECT);
  t.same(mail.envelope.to, ['Grace.Hopper@example.com'], 'sent to the address as registered (Grace.Hopper@example.com), not as the request spelled it');
  t.equal(mail.to, 'Grace.Hopper@example.com', 'the To header names that address too');
  t.same(mail.from, { name: 'hallpass', address: 'no-reply@hallpass.test' }, 'the From header is MAIL_FROM');
  t.equal(mail.envelope.from, 'no-reply@hallpass.test', 'and so is the envelope sender');
  const token = tokenIn(mail.text);
  t.notOk(answer.body.includes(token), 'the answer does not hold the token');
  const link = /https:\/\/auth\.example\.com\/try#\S*reset_token=\S*/.exec(mail.text)?.[0];
  t.ok(link, `the mail links to PUBLIC_ORIGIN's /try page with the token in the fragment:\n${mail.text}`);
  const url = new URL(link ?? PUBLIC_ORIGIN);
  t.equal(url.search, '', 'nothing in the query string: a fragment never reaches a server, its logs or a Referer');
  const fragment = new URLSearchParams(url.hash.slice(1));
  t.equal(fragment.get('reset_token'), token, 'the fragment\'s reset_token is the token');
  t.equal(fragment.get('email'), 'Grace.Hopper@example.com', 'the fragment\'s email is the account\'s address');
  t.notOk(mail.raw.includes('evil.example'), 'nothing in the mail comes from the request\'s Host or X-Forwarded-Host');

  const reset = await send(app, 'PUT', '/reset_password', { email: 'Grace.Hopper@example.com', reset_token: token, new_password: 'fl0w-m4tic-1958-sp3c' });
  t.equal(reset.statusCode, 200, `the mailed token sets a new password, got ${reset.statusCode} ${reset.body}`);
  const login = await send(app, 'POST', '/sessions', { email: 'Grace.Hopper@example.com', password: 'fl0w-m4tic-1958-sp3c' });
  t.equal(login.statusCode, 200, 'the new password logs in');
});

t.test('an unknown email gets no mail at all', async (t) => {
  await send(app, 'POST', '/reset_password', { email: 'ghost@example.com' });
  // Mails are sent in the order of the requests: once a later one has arrived, none is coming for the ghost.
  await signUp(app, 'later@example.com', 'l4t3r-pw-long-enough');
  if (!t.same((await send(app, 'POST', '/reset_password', { email: 'later@example.com' })).json(), ANSWER, 'the production answer')) return;
  await smtp.mailTo('later@example.com', RESET_SUBJECT);
  t.same(smtp.mails.filter((mail) => mail.envelope.to.some((to) => to.toLowerCase() === 'ghost@example.com')), [], 'no mail to an address without an account');
});

t.test('the answer does not wait for the mail server', async (t) => {
  await signUp(app, 'slow@example.com', 'sl0w-m41l-server-x9');
  smtp.hold();
  t.teardown(() => smtp.release());
  const pending = send(app, 'POST', '/reset_password', { email: 'slow@example.com' });
  // An answer that waits for the delivery cannot come before the server holds the mail; one that does not, comes first.
  const first = await Promise.race([pending.then(() => 'answer'), smtp.holding().then(() => 'mail held')]);
  smtp.release();
  const answer = await pending;
  if (first !== 'answer') {
    t.fail('the answer waited for the mail server: send the mail without awaiting it in the route (a slow mail server would show in the timing, and only for known emails)');
    return;
  }
  if (!t.same(answer.json(), ANSWER, 'the production answer')) return;
  await smtp.mailTo('slow@example.com', RESET_SUBJECT);
  t.pass('the mail went out once the server let it');
});

t.test('the reset limit treats unknown emails as it treats known ones', async (t) => {
  await signUp(app, 'limited@example.com', 'l1m1t3d-pw-r4te-c4p');
  const statuses = async (email: string) => {
    const found: number[] = [];
    for (let i = 0; i < 4; i++) found.push((await send(app, 'POST', '/reset_password', { email })).statusCode);
    return found;
  };
  t.same(await statuses('limited@example.com'), [200, 200, 200, 429], 'a known email: 3 answers, then 429');
  t.same(await statuses('unlimited@example.com'), [200, 200, 200, 429], 'an unknown email: the same');
});

t.test('the course profile keeps the contract: the token in the answer, 403 for an unknown email, no mail', async (t) => {
  const course = await buildApp({ db: await testDB(t), bcryptCost: 4, mail: { smtpUrl: smtp.url, from: MAIL_FROM }, security: { publicOrigin: PUBLIC_ORIGIN } });
  t.teardown(() => course.close());
  await signUp(course, 'course@example.com', 'c0urs3-pw-long-one');
  const known = await send(course, 'POST', '/reset_password', { email: 'course@example.com' });
  t.equal(known.statusCode, 200);
  t.same(Object.keys(known.json()), ['email', 'reset_token'], 'the course answer: {"email", "reset_token"}');
  t.equal((await send(course, 'POST', '/reset_password', { email: 'nobody@example.com' })).statusCode, 403);
  const reset = await send(course, 'PUT', '/reset_password', { email: 'course@example.com', reset_token: known.json().reset_token, new_password: 'c0urs3-pw-second-one' });
  t.equal(reset.statusCode, 200, 'a reset with the answer\'s token works');
  // The production app's mail to a later request comes after any mail the course app could have sent.
  await signUp(app, 'after-course@example.com', '4ft3r-pw-production');
  if (!t.same((await send(app, 'POST', '/reset_password', { email: 'after-course@example.com' })).json(), ANSWER, 'the production answer')) return;
  await smtp.mailTo('after-course@example.com', RESET_SUBJECT);
  t.same(smtp.mails.filter((mail) => mail.envelope.to.includes('course@example.com') && isAboutPassword(mail)), [], 'the course profile mails nothing, neither the token nor the notice of the change');
});

t.test('after a reset, the owner gets a mail saying the password was changed, with no token in it', async (t) => {
  await signUp(app, 'Owner@example.com', '0wn3r-first-password');
  if (!t.same((await send(app, 'POST', '/reset_password', { email: 'owner@example.com' })).json(), ANSWER, 'the production answer')) return;
  const token = tokenIn((await smtp.mailTo('Owner@example.com', RESET_SUBJECT)).text);
  // Typed in full-width letters: the account's own address gets the mail.
  const reset = await send(app, 'PUT', '/reset_password', { email: '\uff4f\uff57\uff4e\uff45\uff52@example.com', reset_token: token, new_password: '0wn3r-second-password' });
  t.equal(reset.statusCode, 200, `the reset worked, got ${reset.statusCode} ${reset.body}`);
  const notice = await noticeTo(t, 'Owner@example.com');
  if (notice === undefined) return;
  t.match(notice.text, /password of the hallpass account of Owner@example\.com was just changed with a password-reset link/, 'it says what happened, to the address as registered');
  t.match(notice.text, /If it was not you, someone else can get into your account/, 'and what to do if it was not the reader');
  t.match(notice.text, `${PUBLIC_ORIGIN}/try`, 'where to ask for a reset: PUBLIC_ORIGIN');
  t.same(notice.text.match(UUID_V4), null, 'no token, nor anything like one');
  t.same(notice.from, { name: 'hallpass', address: 'no-reply@hallpass.test' });
});

t.test('after a change with PUT /password, the owner gets the same kind of mail', async (t) => {
  await signUp(app, 'changer@example.com', 'ch4ng3r-first-password');
  const login = await send(app, 'POST', '/sessions', { email: 'CHANGER@example.com', password: 'ch4ng3r-first-password' });
  const cookie = login.cookies.find((c) => c.name.endsWith('session_id'));
  const change = await app.inject({
    method: 'PUT',
    url: '/password',
    cookies: { [cookie?.name ?? '__Host-session_id']: cookie?.value ?? '' },
    payload: { current_password: 'ch4ng3r-first-password', new_password: 'ch4ng3r-second-password' },
  });
  t.equal(change.statusCode, 200, `the change worked, got ${change.statusCode} ${change.body}`);
  const notice = await noticeTo(t, 'changer@example.com');
  if (notice === undefined) return;
  t.match(notice.text, /was just changed by someone logged in to it,/);
  t.match(notice.text, /and every other session of the account has ended/);
  t.same(notice.text.match(UUID_V4), null, 'no token');
});

t.test('a failed reset or change mails nothing', async (t) => {
  await signUp(app, 'quiet@example.com', 'qu13t-first-password');
  t.equal((await send(app, 'PUT', '/reset_password', { email: 'quiet@example.com', reset_token: '8f6c5a0e-3c1b-4d2a-9e7f-1a2b3c4d5e6f', new_password: 'qu13t-second-password' })).statusCode, 403);
  // Mails go out in the order of the requests: once a later one has arrived, none is coming for the failed reset.
  await signUp(app, 'after-quiet@example.com', '4ft3r-qu13t-password');
  if (!t.same((await send(app, 'POST', '/reset_password', { email: 'after-quiet@example.com' })).json(), ANSWER, 'the production answer')) return;
  await smtp.mailTo('after-quiet@example.com', RESET_SUBJECT);
  t.same(smtp.mails.filter((mail) => mail.envelope.to.includes('quiet@example.com') && isAboutPassword(mail)), [], 'no mail to quiet@example.com');
});

t.test('no log line holds a mailed token', async (t) => {
  t.ok(smtp.mails.length >= 5, `mails went out (${smtp.mails.length})`);
  const all = log.text();
  for (const mail of smtp.mails.filter((m) => m.subject === RESET_SUBJECT)) {
    const token = tokenIn(mail.text);
    t.notOk(all.includes(token), `the log does not contain the token mailed to ${mail.envelope.to.join(', ')}`);
  }
});

t.test('with the mail server down, the answer is the same 200, and the failure is logged without the token', async (t) => {
  const downLog = logCapture();
  const { app: down, db } = await production(t, `smtp://127.0.0.1:${await closedPort()}`, downLog);
  await signUp(down, 'unlucky@example.com', 'unl4cky-pw-m41l-d0wn');
  const answer = await send(down, 'POST', '/reset_password', { email: 'unlucky@example.com' });
  t.equal(answer.statusCode, 200, `not a 5xx: the client is not told about the mail server, got ${answer.statusCode} ${answer.body}`);
  if (!t.same(answer.json(), ANSWER, 'the same body as ever')) return;
  const failure = await downLog.line((line) => line.level >= 50 && line.msg === 'reset mail not sent', 'no error was logged for the reset mail that could not be sent');
  t.ok(failure, 'the failure is logged at level error (50) or above');
  const digest = (await db.findUserBy({ email: 'unlucky@example.com' })).resetToken;
  t.ok(digest, 'a token was issued');
  const all = downLog.text();
  const tokensLogged = [...new Set(all.match(UUID_V4))].filter((uuid) => createHash('sha256').update(uuid).digest('hex') === digest);
  t.same(tokensLogged, [], 'no log line holds the token');
  t.notOk(all.includes(`${PUBLIC_ORIGIN}/try#`), 'no log line holds the link');

  const reset = await send(down, 'PUT', '/reset_password', { email: 'unlucky@example.com', reset_token: '8f6c5a0e-3c1b-4d2a-9e7f-1a2b3c4d5e6f', new_password: 'unl4cky-second-pw' });
  t.equal(reset.statusCode, 403, 'a wrong token');
  await db.updateUser((await db.findUserBy({ email: 'unlucky@example.com' })).id, { resetToken: createHash('sha256').update('0d6a1d2e-5b8f-4c1e-9a3b-2f4e6d8c0a1b').digest('hex'), resetCreatedAt: new Date() });
  const used = await send(down, 'PUT', '/reset_password', { email: 'unlucky@example.com', reset_token: '0d6a1d2e-5b8f-4c1e-9a3b-2f4e6d8c0a1b', new_password: 'unl4cky-second-pw' });
  t.equal(used.statusCode, 200, `a reset with the mail server down still answers 200, got ${used.statusCode} ${used.body}`);
  // The notice was started before the answer (step 4): once it has failed, its line is written or it never will be.
  await noticesSettled(down);
  const notice = downLog.lines.find((line) => line.msg === 'password-change mail not sent');
  t.match(notice, { level: 50, how: 'reset' }, 'the failed notice is logged as `password-change mail not sent`, an error: call notifyPasswordChanged once the reset has worked (step 4)');
});
