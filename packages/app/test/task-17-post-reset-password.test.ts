import t from 'tap';
import { encodings, send, signUp, testApp } from './fixtures/app.ts';

// One app and database for the file; each test uses accounts of its own.
const { app, db } = await testApp(t);

for (const encoding of encodings) {
  t.test(`POST /reset_password (${encoding}) answers {"email", "reset_token"} for a known email`, async (t) => {
    const email = `bob-${encoding}@example.com`;
    await signUp(app, email, 'b4l0u');
    const response = await send(app, 'POST', '/reset_password', { email }, encoding);
    t.equal(response.statusCode, 200, `a known email is a 200, got ${response.statusCode} ${response.body}`);
    const body = response.json<{ email: string; reset_token: string }>();
    t.same(Object.keys(body), ['email', 'reset_token'], 'the body has exactly the keys email and reset_token');
    t.equal(body.email, email, 'the email is echoed as sent');
    t.match(body.reset_token, /^\S+$/, 'a non-empty token');
    t.not((await db.findUserBy({ email })).resetToken, null, 'the account now has a reset token (app.auth.getResetPasswordToken stored it)');
  });

  t.test(`POST /reset_password (${encoding}) for an unknown email is a 403`, async (t) => {
    const response = await send(app, 'POST', '/reset_password', { email: 'nobody@example.com' }, encoding);
    t.equal(response.statusCode, 403, `an unknown email is a 403 (ERR_UNKNOWN_EMAIL in src/plugins/errors.ts; not 404, not 400), got ${response.statusCode} ${response.body}`);
    t.match(response.json(), { statusCode: 403, message: /no account uses this email/ }, 'the message is "no account uses this email", not the library\'s');
  });
}

t.test('the email is trimmed and case-insensitive, and echoed as sent', async (t) => {
  await signUp(app, 'Carol@Example.com', 'b4l0u');
  const response = await send(app, 'POST', '/reset_password', { email: ' CAROL@EXAMPLE.COM  ' }, 'json');
  t.equal(response.statusCode, 200, `" CAROL@EXAMPLE.COM  " finds Carol@Example.com (preValidation: trimEmail), got ${response.statusCode}`);
  t.equal(response.json().email, 'CAROL@EXAMPLE.COM', 'the email is echoed as sent (trimmed), not as stored');
});

t.test('each request gives a new token', async (t) => {
  await signUp(app, 'dave@example.com', 'b4l0u');
  const first = (await send(app, 'POST', '/reset_password', { email: 'dave@example.com' })).json().reset_token;
  const second = (await send(app, 'POST', '/reset_password', { email: 'dave@example.com' })).json().reset_token;
  t.not(first, second, 'a second request gives another token');
});

t.test('a missing or invalid email is a 400, not a 403', async (t) => {
  for (const encoding of encodings) {
    for (const [fields, message] of [
      [{}, /body must have the field 'email'/],
      [{ email: '' }, /body\/email must be an email address/],
      [{ email: 'nobody' }, /body\/email must be an email address/],
    ] as const) {
      const response = await send(app, 'POST', '/reset_password', fields, encoding);
      t.equal(response.statusCode, 400, `${encoding} ${JSON.stringify(fields)}`);
      t.match(response.json(), { message }, `${encoding} ${JSON.stringify(fields)}: the body schema names the field`);
    }
  }
});
