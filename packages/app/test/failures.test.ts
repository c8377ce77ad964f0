/** What the routes do when the world changes under them: an account that vanishes mid-request, a database that fails. */
import t from 'tap';
import { send, signUp, testApp } from './fixtures/app.ts';

const { app, db } = await testApp(t);

t.test('an account deleted between the password check and the session is a 401, not a 500', async (t) => {
  await signUp(app, 'bob@example.com', 'b4l0u');
  const validLogin = app.auth.validLogin.bind(app.auth);
  app.auth.validLogin = async (email, password) => {
    const valid = await validLogin(email, password);
    await db.knex('users').whereRaw('lower(email) = lower(?)', [email]).delete();
    return valid;
  };
  t.teardown(() => {
    app.auth.validLogin = validLogin;
  });
  const response = await send(app, 'POST', '/sessions', { email: 'bob@example.com', password: 'b4l0u' });
  t.equal(response.statusCode, 401);
  t.equal(response.headers['set-cookie'], undefined);
});

t.test('an account deleted between a password change and the new session: the change is answered, without a cookie', async (t) => {
  await signUp(app, 'dora@example.com', 'b4l0u');
  const sessionId = (await send(app, 'POST', '/sessions', { email: 'dora@example.com', password: 'b4l0u' })).cookies[0]?.value;
  const changePassword = app.auth.changePassword.bind(app.auth);
  app.auth.changePassword = async (email, currentPassword, newPassword) => {
    await changePassword(email, currentPassword, newPassword);
    await db.knex('users').whereRaw('lower(email) = lower(?)', [email]).delete();
  };
  t.teardown(() => {
    app.auth.changePassword = changePassword;
  });
  const response = await send(app, 'PUT', '/password', { current_password: 'b4l0u', new_password: 'n3w' }, 'form', sessionId);
  t.equal(response.statusCode, 200);
  t.equal(response.headers['set-cookie'], undefined, 'no session for an account that is gone');
});

t.test('PUT /reset_password with an email longer than the column is a 403, not a 500', async (t) => {
  await signUp(app, 'carol@example.com', 'b4l0u');
  const token = (await send(app, 'POST', '/reset_password', { email: 'carol@example.com' })).json().reset_token as string;
  const response = await send(app, 'PUT', '/reset_password', { email: `${'c'.repeat(240)}@example.com`, reset_token: token, new_password: 'n3w' });
  t.equal(response.statusCode, 403);
  t.match(response.json(), { message: /invalid reset token/ });
});

t.test('a database failure is a 500 that says nothing about the inside', async (t) => {
  const findUserBy = db.findUserBy.bind(db);
  db.findUserBy = async () => {
    throw new Error('connection terminated unexpectedly (10.0.0.5:5432)');
  };
  t.teardown(() => {
    db.findUserBy = findUserBy;
  });
  // A log-in looks the account up first (a malformed reset token, by contrast, is refused before any query).
  const response = await send(app, 'POST', '/sessions', { email: 'carol@example.com', password: 'b4l0u' });
  t.equal(response.statusCode, 500);
  t.same(response.json(), { statusCode: 500, error: 'Internal Server Error', message: 'something went wrong on our side; it has been logged' });
});
