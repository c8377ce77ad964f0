/**
 * The bcrypt queue is bounded (BCRYPT_MAX_QUEUE): with every core hashing and
 * the queue full, a request that needs bcrypt is answered 503 with Retry-After
 * at once, before any hashing, and changes nothing. The queue is filled with
 * jobs the test holds open, so nothing here depends on how fast bcrypt is.
 */
import t, { type Test } from 'tap';
import { buildApp } from '@hallpass/app';
import { bcryptHashCount, bcryptSlots } from '@hallpass/auth';
import { testDB } from '@hallpass/db/testing';
import { logIn, send, signUp } from './fixtures/app.ts';

/** A job that holds its place in bcrypt's queue until the test lets it go. */
function heldJob(): { done: Promise<void>; release: () => void } {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  return { done: bcryptSlots.run(() => held), release };
}

/** Takes every core and `waiting` places in the queue; the returned function lets them all go. */
function fillQueue(waiting: number): () => Promise<void> {
  const jobs = Array.from({ length: bcryptSlots.size + waiting }, heldJob);
  return async () => {
    for (const job of jobs) job.release();
    await Promise.all(jobs.map((job) => job.done));
  };
}

async function service(t: Test, bcryptMaxQueue: number) {
  const db = await testDB(t);
  const app = await buildApp({ db, bcryptCost: 4, bcryptMaxQueue });
  t.teardown(() => app.close());
  return { app, db };
}

t.test('with the queue full, requests that need bcrypt get 503 with Retry-After before any hashing; nothing changes', async (t) => {
  const { app, db } = await service(t, 2);
  await signUp(app, 'bob@example.com', 'b4l0u');
  const session = await logIn(app, 'bob@example.com', 'b4l0u');
  const token = (await send(app, 'POST', '/reset_password', { email: 'bob@example.com' })).json<{ reset_token: string }>().reset_token;
  const rowsBefore = await db.knex('users').select('*').orderBy('id');

  const release = fillQueue(2);
  t.equal(bcryptSlots.waiting, 2, 'the queue is full');
  const hashesBefore = bcryptHashCount();
  const requests: Array<[string, Parameters<typeof send>]> = [
    ['a sign-up', [app, 'POST', '/users', { email: 'amy@example.com', password: 'b4l0u' }]],
    ['a login', [app, 'POST', '/sessions', { email: 'bob@example.com', password: 'b4l0u' }]],
    ['a login for an unknown email', [app, 'POST', '/sessions', { email: 'nobody@example.com', password: 'b4l0u' }]],
    ['a reset', [app, 'PUT', '/reset_password', { email: 'bob@example.com', reset_token: token, new_password: 'n3w' }]],
    ['a password change', [app, 'PUT', '/password', { current_password: 'b4l0u', new_password: 'n3w' }, 'form', session]],
  ];
  for (const [what, args] of requests) {
    const response = await send(...args);
    t.equal(response.statusCode, 503, `${what}: 503`);
    t.equal(response.headers['retry-after'], '1', `${what}: Retry-After: 1`);
    t.match(response.json(), { code: 'ERR_BUSY', message: /busy/ }, `${what}: a JSON message`);
  }
  t.equal(bcryptSlots.waiting, 2, 'none of them joined the queue');
  t.equal(bcryptHashCount(), hashesBefore, 'and none was hashed');
  await release();
  t.same(await db.knex('users').select('*').orderBy('id'), rowsBefore, 'nothing was written');

  t.equal((await send(app, 'PUT', '/reset_password', { email: 'bob@example.com', reset_token: token, new_password: 'n3w' })).statusCode, 200, 'once the queue drains, the same reset works: the token was not spent');
  t.equal((await send(app, 'POST', '/sessions', { email: 'bob@example.com', password: 'n3w' })).statusCode, 200, 'and logins too');
});

t.test('a request that finds a place in the queue waits for its turn and is served', async (t) => {
  const { app } = await service(t, 2);
  const release = fillQueue(1);
  const signUpAnswer = send(app, 'POST', '/users', { email: 'amy@example.com', password: 'b4l0u' });
  while (bcryptSlots.waiting < 2) await new Promise((resolve) => setImmediate(resolve));
  t.equal(bcryptSlots.waiting, 2, 'the sign-up waits in the last place');
  await release();
  t.equal((await signUpAnswer).statusCode, 200);
});

t.test('the limit is the service\'s while it runs, and the previous one comes back when it closes', async (t) => {
  const before = bcryptSlots.maxWaiting;
  const { app } = await service(t, 7);
  t.equal(bcryptSlots.maxWaiting, 7);
  await app.close();
  t.equal(bcryptSlots.maxWaiting, before);
  const db = await testDB(t);
  const unlimited = await buildApp({ db, bcryptCost: 4 });
  t.equal(bcryptSlots.maxWaiting, before, 'a service built without a limit keeps the default');
  await unlimited.close();
});
