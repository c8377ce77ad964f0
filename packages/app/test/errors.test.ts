/** The one error handler: library errors by code, Fastify's client errors as they are, anything else a quiet 500. */
import { Writable } from 'node:stream';
import t, { type Test } from 'tap';
import { buildApp } from '@hallpass/app';
import { HallpassError, InvalidArgumentError, NoResultFoundError, TaskNotDoneError } from '@hallpass/db';
import { testDB } from '@hallpass/db/testing';

/** An app with extra routes that throw, and its log lines. */
async function throwingApp(t: Test) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const app = await buildApp({ db: await testDB(t), logger: { level: 'info', stream } });
  t.teardown(() => app.close());
  app.get('/throw/task', async () => {
    throw new TaskNotDoneError(7, 'make `POST /users` work');
  });
  app.get('/throw/argument', async () => {
    throw new InvalidArgumentError('email must be at most 250 characters, got 252');
  });
  app.get('/throw/unmapped-library', async () => {
    throw new NoResultFoundError('no user matches the given sessionId');
  });
  app.get('/throw/plain', async () => {
    throw new Error('connection to 10.0.0.5:5432 refused');
  });
  app.get('/throw/server-side-status', async () => {
    throw Object.assign(new Error('upstream down'), { statusCode: 503 });
  });
  app.get('/throw/unknown-code', async () => {
    throw new HallpassError('ERR_SOMETHING_NEW', 'a new library error');
  });
  return { app, lines };
}

t.test('a stubbed task answers 501 with the task\'s message', async (t) => {
  const { app } = await throwingApp(t);
  const response = await app.inject('/throw/task');
  t.equal(response.statusCode, 501);
  t.match(response.json(), { statusCode: 501, code: 'ERR_TASK_NOT_DONE', error: 'Not Implemented', message: /task 07 is not done yet/ });
});

t.test('InvalidArgumentError is the client\'s: a 400 with the library\'s message', async (t) => {
  const { app } = await throwingApp(t);
  const response = await app.inject('/throw/argument');
  t.equal(response.statusCode, 400);
  t.same(response.json(), { statusCode: 400, code: 'ERR_INVALID_ARGUMENT', error: 'Bad Request', message: 'email must be at most 250 characters, got 252' });
});

t.test('anything unexpected is a 500 that reveals nothing, logged in full', async (t) => {
  const { app, lines } = await throwingApp(t);
  for (const url of ['/throw/unmapped-library', '/throw/plain', '/throw/server-side-status', '/throw/unknown-code']) {
    const response = await app.inject(url);
    t.equal(response.statusCode, 500, url);
    t.same(response.json(), { statusCode: 500, error: 'Internal Server Error', message: 'something went wrong on our side; it has been logged' }, url);
  }
  const logged = lines.join('');
  t.match(logged, /connection to 10\.0\.0\.5:5432 refused/, 'the real cause is in the log');
  t.match(logged, /"level":50/, 'at level error');
});
