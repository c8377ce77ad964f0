import { readFile } from 'node:fs/promises';
import t from 'tap';
import {
  Auth,
  InvalidArgumentError,
  InvalidResetTokenError,
  MAX_PASSWORD_BYTES,
  MIN_PASSWORD_LENGTH,
  WeakPasswordError,
  WrongPasswordError,
  checkPasswordStrength,
  commonPasswords,
  contextWords,
} from '@hallpass/auth';
import { testDB } from '@hallpass/db/testing';

t.test('the blocklist file: one entry a line, each in the form it is compared in and long enough to matter', async (t) => {
  const text = await readFile(new URL('../data/common-passwords.txt', import.meta.url), 'utf8');
  const entries = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  t.ok(entries.length >= 3000, `at least 3000 entries, as ASVS 5.0 V6.2.4 asks (${entries.length})`);
  t.equal(commonPasswords.size, entries.length, 'every entry is read, none twice');
  const misfits = entries.filter((entry) => {
    const length = [...entry].length;
    return entry !== entry.trim() || entry !== entry.normalize('NFC').toLowerCase() || length < MIN_PASSWORD_LENGTH || Buffer.byteLength(entry) > MAX_PASSWORD_BYTES;
  });
  t.same(misfits, [], 'lower case, NFC, no spaces around, 15 characters to 72 bytes: a shorter one is refused by length anyway, a longer one by bcrypt');
  for (const sample of ['passwordpassword', '123456789012345', 'qwertyuiopasdfgh', 'iloveyouiloveyou', 'aaaaaaaaaaaaaaa', 'correct horse battery staple']) {
    t.ok(commonPasswords.has(sample), `${sample} is listed`);
  }
});

t.test('checkPasswordStrength: length in code points after NFC, the blocklist and context words in any case', async (t) => {
  const rule = (password: string, email?: string) => {
    try {
      checkPasswordStrength(password, { email });
      return 'ok';
    } catch (error) {
      t.ok(error instanceof WeakPasswordError, 'a WeakPasswordError');
      t.notMatch((error as Error).message, password, 'the message does not repeat the password');
      return (error as WeakPasswordError).rule;
    }
  };
  t.equal(rule('fourteen chars'), 'too-short');
  t.equal(rule('fifteen chars!!'), 'ok');
  t.equal(rule('🦊🌙🍵🎻🚲🌵🧭🪁'), 'too-short', 'emoji count one each');
  t.equal(rule('déjà-vu été ça'.normalize('NFD')), 'too-short', 'a combining accent is not a character of its own');
  t.equal(rule('PASSWORDPASSWORD'), 'too-common');
  t.equal(rule('contraseñacontraseña'.normalize('NFD')), 'too-common', 'compared after NFC');
  t.equal(rule('tea with margaret.smith', 'Margaret.Smith@example.com'), 'context');
  t.equal(rule('my HALLPASS account'), 'context');
  t.equal(rule('always travel light', 'al@example.com'), 'ok', 'short local parts are not context words');
  t.equal(rule('always travel light'), 'ok', 'no email, no local part');
  checkPasswordStrength('a perfectly fine password');
  t.same(contextWords(), ['hallpass']);
  t.same(contextWords({ email: 'Zoë.B@example.com' }), ['hallpass', 'zoë.b']);
  t.same(contextWords({ email: 'al@example.com' }), ['hallpass']);
});

t.test('the Auth option passwordPolicy: basic by default, nist on request, nothing else', async (t) => {
  const db = await testDB(t);
  const basic = new Auth(db, { bcryptCost: 4 });
  await basic.registerUser('bob@example.com', 'b4l0u');
  const strict = new Auth(db, { bcryptCost: 4, passwordPolicy: 'nist' });
  await t.rejects(strict.registerUser('amy@example.com', 'b4l0u'), { code: 'ERR_WEAK_PASSWORD', rule: 'too-short' });
  await strict.registerUser('amy@example.com', 'a long and quiet river');
  const token = await strict.getResetPasswordToken('amy@example.com');
  await t.rejects(strict.updatePassword(token, 'passwordpassword', { email: 'amy@example.com' }), WeakPasswordError);
  await strict.updatePassword(token, 'another long quiet river', { email: 'amy@example.com' });
  t.equal(await strict.validLogin('amy@example.com', 'another long quiet river'), true, 'the token was not spent by the refusal');
  for (const passwordPolicy of ['strict', '', 'NIST', 15]) {
    t.throws(() => new Auth(db, { passwordPolicy: passwordPolicy as never }), InvalidArgumentError, `passwordPolicy ${JSON.stringify(passwordPolicy)}`);
  }
});

t.test('Auth.changePassword: the current password first, then the policy; sessions and a pending reset token end', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4, passwordPolicy: 'nist' });
  await auth.registerUser('bob@example.com', 'an old and tired river');
  const session = await auth.createSession('bob@example.com');
  const token = await auth.getResetPasswordToken('bob@example.com');

  await t.rejects(auth.changePassword('bob@example.com', 'a wrong guess', 'a new and lively river'), WrongPasswordError);
  await t.rejects(auth.changePassword('nobody@example.com', 'a wrong guess', 'a new and lively river'), WrongPasswordError, 'an unknown email: the same error');
  await t.rejects(auth.changePassword('bob@example.com', 'an old and tired river', 'short'), { code: 'ERR_WEAK_PASSWORD' });
  await t.rejects(auth.changePassword('', 'x', 'y'), InvalidArgumentError);
  await t.rejects(auth.changePassword('bob@example.com', '', 'y'), InvalidArgumentError);
  await t.rejects(auth.changePassword('bob@example.com', 'x', 'é'.repeat(40)), InvalidArgumentError, 'over 72 bytes');
  t.ok(await auth.getUserFromSessionId(session), 'the refusals left the session open');

  await auth.changePassword('bob@example.com', 'an old and tired river', 'a new and lively river');
  t.equal(await auth.validLogin('bob@example.com', 'a new and lively river'), true);
  t.equal(await auth.validLogin('bob@example.com', 'an old and tired river'), false);
  t.equal(await auth.getUserFromSessionId(session), null, 'the session ended');
  await t.rejects(auth.updatePassword(token, 'the thief sets this one'), InvalidResetTokenError, 'the reset token is void');
});

t.test('Auth.changePassword: of several changes at once with the right current password, one is made', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await auth.registerUser('bob@example.com', 'the first one');
  const tries = ['second a', 'second b', 'second c', 'second d'];
  const results = await Promise.allSettled(tries.map((password) => auth.changePassword('bob@example.com', 'the first one', password)));
  const made = results.flatMap((result, index) => (result.status === 'fulfilled' ? [tries[index]!] : []));
  t.equal(made.length, 1, 'exactly one change is made');
  for (const result of results) {
    if (result.status === 'rejected') t.type(result.reason, WrongPasswordError, 'the others: the password given is no longer the current one');
  }
  t.equal(await auth.validLogin('bob@example.com', made[0]!), true, 'the change made is the one stored');
  t.equal(await auth.validLogin('bob@example.com', 'the first one'), false);
});

t.test('the errors: codes, rules, messages', async (t) => {
  t.match(new WeakPasswordError('too-short'), { code: 'ERR_WEAK_PASSWORD', rule: 'too-short', message: 'password is too short: use at least 15 characters' });
  t.match(new WeakPasswordError('too-common'), { rule: 'too-common', message: /too common/ });
  t.match(new WeakPasswordError('context'), { rule: 'context', message: /name of the service/ });
  t.match(new WrongPasswordError(), { code: 'ERR_WRONG_PASSWORD', message: 'the current password is wrong', name: 'WrongPasswordError' });
});
