/** The expiry settings reach the service: short limits set through the environment end sessions and reset tokens over HTTP. */
import t, { type Test } from 'tap';
import { buildApp, loadConfig } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';
import { logIn, send, signUp } from './fixtures/app.ts';

const SECOND = 1000;

/** A clock the test moves by hand: `advance(ms)` and the next reading is that much later. */
function fakeClock(start = Date.parse('2026-01-05T09:00:00Z')) {
  let now = start;
  return {
    clock: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** The service as `server.ts` builds it from these environment variables, on a database of the test's own, reading `clock`. */
async function serviceWith(t: Test, env: NodeJS.ProcessEnv, clock: () => Date) {
  const config = loadConfig(env);
  const app = await buildApp({ db: await testDB(t), bcryptCost: 4, security: config.security, clock });
  t.teardown(() => app.close());
  return app;
}

t.test('SESSION_IDLE_TIMEOUT_SECONDS: a session unused that long is refused; each use restarts the wait', async (t) => {
  const time = fakeClock();
  const app = await serviceWith(t, { SESSION_IDLE_TIMEOUT_SECONDS: '60', SESSION_ABSOLUTE_TIMEOUT_SECONDS: '600' }, time.clock);
  await signUp(app, 'idle@example.com', 'b4l0u');
  const sessionId = await logIn(app, 'idle@example.com', 'b4l0u');
  time.advance(59 * SECOND);
  t.equal((await send(app, 'GET', '/profile', undefined, 'form', sessionId)).statusCode, 200, 'used after 59 s: still open');
  time.advance(59 * SECOND);
  t.equal((await send(app, 'GET', '/profile', undefined, 'form', sessionId)).statusCode, 200, 'used 59 s later again: the use restarted the wait');
  time.advance(61 * SECOND);
  const expired = await send(app, 'GET', '/profile', undefined, 'form', sessionId);
  t.equal(expired.statusCode, 403, `61 s unused: GET /profile is a 403, got ${expired.statusCode} ${expired.body}`);
  const again = await logIn(app, 'idle@example.com', 'b4l0u');
  t.same((await send(app, 'GET', '/profile', undefined, 'form', again)).json(), { email: 'idle@example.com' }, 'logging in again opens a new session');
});

t.test('SESSION_ABSOLUTE_TIMEOUT_SECONDS: a session ends that long after the login, however busy', async (t) => {
  const time = fakeClock();
  const app = await serviceWith(t, { SESSION_IDLE_TIMEOUT_SECONDS: '60', SESSION_ABSOLUTE_TIMEOUT_SECONDS: '150' }, time.clock);
  await signUp(app, 'busy@example.com', 'b4l0u');
  const sessionId = await logIn(app, 'busy@example.com', 'b4l0u');
  let elapsed = 0;
  for (const step of [50, 50, 49]) {
    time.advance(step * SECOND);
    elapsed += step;
    t.equal((await send(app, 'GET', '/profile', undefined, 'form', sessionId)).statusCode, 200, `used every 50 s or so: open at ${elapsed} s`);
  }
  time.advance(SECOND);
  t.equal((await send(app, 'GET', '/profile', undefined, 'form', sessionId)).statusCode, 403, 'at 150 s the session has ended');
});

t.test('RESET_TOKEN_LIFETIME_SECONDS: a reset token is refused that long after it was issued', async (t) => {
  const time = fakeClock();
  const app = await serviceWith(t, { RESET_TOKEN_LIFETIME_SECONDS: '30' }, time.clock);
  for (const [email, age, status] of [
    ['fresh@example.com', 29, 200],
    ['stale@example.com', 31, 403],
  ] as const) {
    await signUp(app, email, 'b4l0u');
    const token = (await send(app, 'POST', '/reset_password', { email })).json<{ reset_token: string }>().reset_token;
    time.advance(age * SECOND);
    const response = await send(app, 'PUT', '/reset_password', { email, reset_token: token, new_password: 'n3w-s3cr3t' });
    t.equal(response.statusCode, status, `a token used ${age} s after it was issued: ${status}, got ${response.statusCode} ${response.body}`);
  }
  t.equal((await send(app, 'POST', '/sessions', { email: 'stale@example.com', password: 'b4l0u' })).statusCode, 200, 'the refused token left the password as it was');
});

t.test('without the settings, the defaults hold: 30 minutes idle, 15 minutes for a reset token', async (t) => {
  const time = fakeClock();
  const app = await serviceWith(t, {}, time.clock);
  await signUp(app, 'plain@example.com', 'b4l0u');
  const sessionId = await logIn(app, 'plain@example.com', 'b4l0u');
  const token = (await send(app, 'POST', '/reset_password', { email: 'plain@example.com' })).json<{ reset_token: string }>().reset_token;
  time.advance(29 * 60 * SECOND);
  t.equal((await send(app, 'GET', '/profile', undefined, 'form', sessionId)).statusCode, 200, 'the session is open after 29 minutes');
  time.advance(31 * 60 * SECOND);
  t.equal((await send(app, 'GET', '/profile', undefined, 'form', sessionId)).statusCode, 403, 'and ended after 31 minutes unused');
  const reset = await send(app, 'PUT', '/reset_password', { email: 'plain@example.com', reset_token: token, new_password: 'n3w-s3cr3t' });
  t.equal(reset.statusCode, 403, `a reset token 60 minutes old is refused, got ${reset.statusCode}`);
});
