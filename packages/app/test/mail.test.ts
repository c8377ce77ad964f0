import t from 'tap';
import { MailNotConfiguredError, buildApp, smtpOptions } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';
import { send, signUp } from './fixtures/app.ts';
import { logCapture } from './fixtures/log.ts';
import { testSmtp } from './fixtures/smtp.ts';

t.test('smtpOptions: TLS from the start for smtps://, STARTTLS required for a smtp:// server off this machine', async (t) => {
  t.match(smtpOptions('smtps://mail.example.com'), { host: 'mail.example.com', port: 465, secure: true, requireTLS: false });
  t.match(smtpOptions('smtp://mail.example.com'), { port: 587, secure: false, requireTLS: true });
  for (const local of ['smtp://127.0.0.1:2525', 'smtp://localhost:25', 'smtp://[::1]:25']) {
    t.match(smtpOptions(local), { secure: false, requireTLS: false }, `${local}: plain SMTP allowed on this machine`);
  }
  t.equal(smtpOptions('smtp://[::1]:25').host, '::1');
  t.same(smtpOptions('smtps://me%40example.com:p%40ss%3Aword@mail.example.com:2465').auth, { user: 'me@example.com', pass: 'p@ss:word' }, 'credentials decoded');
  t.equal(smtpOptions('smtps://mail.example.com').auth, undefined, 'no user, no authentication');
  t.match(smtpOptions('smtps://mail.example.com'), { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000, disableFileAccess: true, disableUrlAccess: true });
});

t.test('MailNotConfiguredError names what is missing', async (t) => {
  t.match(new MailNotConfiguredError(['SMTP_URL', 'MAIL_FROM']), { code: 'ERR_MAIL_NOT_CONFIGURED', message: 'mail is not configured: SMTP_URL, MAIL_FROM not set' });
});

t.test('production without mail settings: the same answer, and the reason logged', async (t) => {
  for (const [mail, publicOrigin, missing] of [
    [undefined, 'https://auth.example.com', 'SMTP_URL, MAIL_FROM'],
    [{ smtpUrl: 'smtp://127.0.0.1:1' }, 'https://auth.example.com', 'MAIL_FROM'],
    [{ smtpUrl: 'smtp://127.0.0.1:1', from: 'no-reply@example.com' }, undefined, 'PUBLIC_ORIGIN'],
  ] as const) {
    const log = logCapture();
    const app = await buildApp({ db: await testDB(t), bcryptCost: 4, profile: 'production', logger: { level: 'info', stream: log.stream }, mail, security: { publicOrigin } });
    t.teardown(() => app.close());
    await signUp(app, 'someone@example.com', 's0m30n3-pw-long-phrase');
    const answer = await send(app, 'POST', '/reset_password', { email: 'someone@example.com' });
    t.equal(answer.statusCode, 200, `${missing} missing: still a 200`);
    const failure = await log.line((line) => line.msg === 'reset mail not sent', 'no "reset mail not sent" line');
    t.match(failure, { level: 50, code: 'ERR_MAIL_NOT_CONFIGURED' }, `${missing} missing: logged with the error's code`);
  }
});

t.test('the SMTP server is logged at start, without its password', async (t) => {
  const log = logCapture();
  const app = await buildApp({ db: await testDB(t), bcryptCost: 4, logger: { level: 'info', stream: log.stream }, mail: { smtpUrl: 'smtp://hallpass:s3cret-m41l@127.0.0.1:2525', from: 'no-reply@example.com' } });
  t.teardown(() => app.close());
  t.match(log.lines.find((line) => line.msg === 'mail goes through this SMTP server'), { smtp: 'smtp://hallpass:***@127.0.0.1:2525', from: 'no-reply@example.com' });
  t.notOk(log.text().includes('s3cret-m41l'), 'the password is in no line');
});

t.test('a mail still being sent when the service stops is finished first', async (t) => {
  const smtp = await testSmtp(t);
  const app = await buildApp({ db: await testDB(t), bcryptCost: 4, mail: { smtpUrl: smtp.url, from: 'no-reply@example.com' }, security: { publicOrigin: 'https://auth.example.com' } });
  smtp.hold();
  const sending = app.mail.send({ to: 'last@example.com', subject: 'Last one', text: 'Sent while the service stops.' });
  t.equal(app.mail.link('/try'), 'https://auth.example.com/try', 'links are on the public origin');
  let mailsWhenClosed = -1;
  const closing = app.close().then(() => (mailsWhenClosed = smtp.mails.length));
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(mailsWhenClosed, -1, 'close waits while the server holds the mail');
  smtp.release();
  await sending;
  await closing;
  t.equal(mailsWhenClosed, 1, 'the mail was delivered before close finished');
  t.equal(smtp.mails[0]?.subject, 'Last one');
});
