import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { encodings, send, signUp, testApp } from './fixtures/app.ts';

// One app and database for the file; each test uses accounts of its own.
const { app } = await testApp(t);

/** A reset token for `email`, through POST /reset_password (task 17). */
async function resetToken(app: FastifyInstance, email: string): Promise<string> {
  return (await send(app, 'POST', '/reset_password', { email })).json<{ reset_token: string }>().reset_token;
}

/** The status of a log-in attempt through POST /sessions (task 11). */
async function logInStatus(app: FastifyInstance, email: string, password: string): Promise<number> {
  return (await send(app, 'POST', '/sessions', { email, password })).statusCode;
}

for (const encoding of encodings) {
  t.test(`PUT /reset_password (${encoding}) sets the new password and uses the token up`, async (t) => {
    const email = `bob-${encoding}@example.com`;
    await signUp(app, email, 'b4l0u');
    const token = await resetToken(app, email);
    const fields = { email, reset_token: token, new_password: 't4rt1fl3tt3' };
    const response = await send(app, 'PUT', '/reset_password', fields, encoding);
    t.equal(response.statusCode, 200, `a valid token is a 200, got ${response.statusCode} ${response.body}`);
    t.same(response.json(), { email, message: 'Password updated' }, 'the body is exactly {"email": <as sent>, "message": "Password updated"}');
    t.equal(await logInStatus(app, email, 't4rt1fl3tt3'), 200, 'the new password works');
    t.equal(await logInStatus(app, email, 'b4l0u'), 401, 'the old one does not');

    const again = await send(app, 'PUT', '/reset_password', { ...fields, new_password: 'h4ck3d' }, encoding);
    t.equal(again.statusCode, 403, `a token works once: the second use is a 403, got ${again.statusCode}`);
    t.equal(await logInStatus(app, email, 't4rt1fl3tt3'), 200, 'the password set with the token stays');
  });
}

t.test('the email is trimmed and case-insensitive, and echoed as sent', async (t) => {
  await signUp(app, 'Carol@Example.com', 'b4l0u');
  const token = await resetToken(app, 'carol@example.com');
  const response = await send(app, 'PUT', '/reset_password', { email: ' CAROL@example.com ', reset_token: token, new_password: 'n3w' }, 'json');
  t.equal(response.statusCode, 200, `" CAROL@example.com " is Carol@Example.com (preValidation: trimEmail), got ${response.statusCode} ${response.body}`);
  t.same(response.json(), { email: 'CAROL@example.com', message: 'Password updated' }, 'the email is echoed as sent (trimmed)');
});

t.test('an unknown token is a 403 and changes nothing', async (t) => {
  await signUp(app, 'dave@example.com', 'b4l0u');
  await resetToken(app, 'dave@example.com');
  for (const encoding of encodings) {
    const response = await send(app, 'PUT', '/reset_password', { email: 'dave@example.com', reset_token: '3f1c3cb4-34e8-4c61-9f0a-2f5b9b52c0de', new_password: 'n3w' }, encoding);
    t.equal(response.statusCode, 403, `${encoding}: an unknown token is a 403 (ERR_INVALID_RESET_TOKEN in src/plugins/errors.ts; not 400, not 401), got ${response.statusCode}`);
    t.match(response.json(), { statusCode: 403, message: /invalid reset token/ }, `${encoding}: the message says "invalid reset token"`);
  }
  t.equal(await logInStatus(app, 'dave@example.com', 'b4l0u'), 200, 'dave\'s password is unchanged');
});

t.test('a token only works with the email it was issued for', async (t) => {
  await signUp(app, 'frank@example.com', 'b4l0u');
  await signUp(app, 'grace@example.com', '3v3');
  const franks = await resetToken(app, 'frank@example.com');
  for (const email of ['grace@example.com', 'nobody@example.com']) {
    const response = await send(app, 'PUT', '/reset_password', { email, reset_token: franks, new_password: 'h4ck3d' });
    t.equal(response.statusCode, 403, `frank's token sent with ${email} is a 403 (pass the email to app.auth.updatePassword), got ${response.statusCode}`);
    t.match(response.json(), { message: /invalid reset token/ }, `frank's token sent with ${email}`);
  }
  t.equal(await logInStatus(app, 'frank@example.com', 'b4l0u'), 200, 'frank\'s password is unchanged');
  t.equal(await logInStatus(app, 'grace@example.com', '3v3'), 200, 'grace\'s too');
  const stillValid = await send(app, 'PUT', '/reset_password', { email: 'frank@example.com', reset_token: franks, new_password: 'n3w' });
  t.equal(stillValid.statusCode, 200, 'frank\'s token was not used up by the refused attempts');
});

t.test('a missing or invalid field is a 400, before the token is checked, and changes nothing', async (t) => {
  await signUp(app, 'heidi@example.com', 'b4l0u');
  const token = await resetToken(app, 'heidi@example.com');
  const valid = { email: 'heidi@example.com', reset_token: token, new_password: 'n3w' };
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ reset_token: token, new_password: 'n3w' }, /body must have the field 'email'/],
    [{ email: 'heidi@example.com', new_password: 'n3w' }, /body must have the field 'reset_token'/],
    [{ email: 'heidi@example.com', reset_token: token }, /body must have the field 'new_password'/],
    [{ ...valid, email: 'bob' }, /body\/email/],
    [{ ...valid, reset_token: '' }, /body\/reset_token/],
    [{ ...valid, new_password: '' }, /body\/new_password/],
    [{ ...valid, new_password: 'x'.repeat(73) }, /body\/new_password must be from 1 to 72 bytes/],
    [{ ...valid, reset_token: 'wrong', new_password: '' }, /body\/new_password/],
  ];
  for (const encoding of encodings) {
    for (const [fields, message] of cases) {
      const response = await send(app, 'PUT', '/reset_password', fields, encoding);
      t.equal(response.statusCode, 400, `${encoding} ${JSON.stringify(fields).slice(0, 80)}`);
      t.match(response.json(), { message }, `${encoding} ${JSON.stringify(fields).slice(0, 80)}: the body schema names the field`);
    }
  }
  t.equal(await logInStatus(app, 'heidi@example.com', 'b4l0u'), 200, 'the password is unchanged');
  t.equal((await send(app, 'PUT', '/reset_password', valid)).statusCode, 200, 'and the token still works');
});
