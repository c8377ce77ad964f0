/** Liveness and readiness probes: what a load balancer or an orchestrator sees. */
import { once } from 'node:events';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import t from 'tap';
import { app, buildApp } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';
import health from '../src/plugins/health.ts';
import redisPlugin from '../src/plugins/redis.ts';
import { ajvOptions } from '../src/validation.ts';
import { logCapture } from './fixtures/log.ts';
import { fakeRedis, upRedis } from './fixtures/redis.ts';

/** A clock that stands still until moved by hand. */
function handClock() {
  let now = Date.parse('2026-01-01T00:00:00Z');
  return { clock: () => new Date(now), move: (ms: number) => (now += ms) };
}

t.test('/healthz answers while the process runs, even with the database gone', async (t) => {
  const db = await testDB(t);
  const app = await buildApp({ db });
  t.teardown(() => app.close());
  const alive = await app.inject('/healthz');
  t.equal(alive.statusCode, 200);
  t.same(alive.json(), { status: 'ok' });
  await db.close();
  t.equal((await app.inject('/healthz')).statusCode, 200, 'liveness does not depend on the database');
});

t.test('/readyz is 200 while the database answers, 503 with JSON once it does not', async (t) => {
  const db = await testDB(t);
  const time = handClock();
  const app = await buildApp({ db, clock: time.clock });
  t.teardown(() => app.close());
  const ready = await app.inject('/readyz');
  t.equal(ready.statusCode, 200);
  t.same(ready.json(), { status: 'ok', checks: { database: 'ok' } });

  await db.close();
  t.equal((await app.inject('/readyz')).statusCode, 200, 'within a second, the answer is the one checked before');
  time.move(1_000);
  const notReady = await app.inject('/readyz');
  t.equal(notReady.statusCode, 503);
  t.same(notReady.json(), {
    statusCode: 503,
    error: 'Service Unavailable',
    message: 'not ready: database unavailable',
    checks: { database: 'unavailable' },
  });
});

t.test('with REDIS_URL, readiness asks Redis over the service\'s own connection, once a second at most', async (t) => {
  const db = await testDB(t);
  const redis = await fakeRedis(t, upRedis);
  const time = handClock();
  const log = logCapture();
  const app = await buildApp({ db, clock: time.clock, logger: { level: 'info', stream: log.stream }, security: { redisUrl: redis.url.replace('//', '//:s3cret@') } });
  t.teardown(() => app.close());
  const pings = () => redis.seen.filter((command) => command[0]?.toUpperCase() === 'PING').length;
  const ready = await app.inject('/readyz');
  t.equal(ready.statusCode, 200);
  t.same(ready.json(), { status: 'ok', checks: { database: 'ok', redis: 'ok' } });
  await Promise.all(Array.from({ length: 5 }, () => app.inject('/readyz')));
  t.equal(pings(), 1, 'probes within a second share one check');
  time.move(1_000);
  t.equal((await app.inject('/readyz')).statusCode, 200);
  t.equal(pings(), 2, 'a second later, Redis is asked again');
  t.equal(redis.connections(), 1, 'over the one connection the service opened at start-up');
  t.same(redis.seen[0], ['auth', 's3cret'], 'which authenticated with the URL\'s password');

  const failed = once(app.redis!, 'error');
  redis.stop();
  await failed;
  time.move(1_000);
  const notReady = await app.inject('/readyz');
  t.equal(notReady.statusCode, 503);
  t.match(notReady.json(), { message: 'not ready: redis unavailable', checks: { database: 'ok', redis: 'unavailable' } });

  // Redis comes back: the client reconnects by itself, and the service is ready again.
  const back = once(app.redis!, 'ready');
  await redis.start();
  await back;
  time.move(1_000);
  t.equal((await app.inject('/readyz')).statusCode, 200, 'ready again');
  const messages = log.lines.map((line) => line.msg);
  t.ok(messages.includes('Redis unavailable: rate-limited routes answer 503 until it is back'), 'the outage is logged once');
  t.ok(messages.includes('Redis reachable again'), 'and its end');
  t.notOk(log.text().includes('s3cret'), 'no password in the log');
});

t.test('an unreachable REDIS_URL fails the start with a message naming it, and leaves nothing running', async (t) => {
  const db = await testDB(t);
  const error = await buildApp({ db, security: { redisUrl: 'redis://:s3cret@127.0.0.1:1' } }).catch((e: unknown) => e);
  t.match(error, { code: 'ERR_REDIS_UNAVAILABLE', message: /^Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 did not answer \(connect ECONNREFUSED 127\.0\.0\.1:1\): check REDIS_URL/ });
  t.notMatch((error as Error).message, /s3cret/, 'the password is not in the message');

  // A server that accepts the connection and never answers: the start gives up after the connect timeout.
  const silent = await fakeRedis(t, () => '');
  const instance = Fastify();
  t.teardown(() => instance.close());
  await t.rejects(async () => {
    await instance.register(redisPlugin, { url: silent.url, connectTimeoutMs: 20 });
  }, { code: 'ERR_REDIS_UNAVAILABLE', message: /did not answer/ });
});

t.test('a check that hangs counts as unavailable after its time limit', async (t) => {
  const instance = Fastify({ ajv: ajvOptions });
  t.teardown(() => instance.close());
  // A database whose query never ends, and no Redis.
  const hangingDb = { knex: { raw: () => new Promise<never>(() => {}) } } as unknown as FastifyInstance['db'];
  await instance.register(fp(async (a) => {
    a.decorate('db', hangingDb);
  }, { name: 'hallpass-db' }));
  await instance.register(redisPlugin, {});
  await instance.register(health, { checkTimeoutMs: 10 });
  const response = await instance.inject('/readyz');
  t.equal(response.statusCode, 503);
  t.match(response.json(), { checks: { database: 'unavailable' } });
});

t.test('the probes are not in the OpenAPI document and are never rate-limited', async (t) => {
  const db = await testDB(t);
  const instance = Fastify({ ajv: ajvOptions });
  await app(instance, { db, security: { rateLimits: { signUpsPerAddress: 1, resetRequestsPerAddress: 1, loginFailuresPerAddress: 1 } } });
  t.teardown(() => instance.close());
  const paths = Object.keys((await instance.inject('/openapi.json')).json().paths as object);
  t.notOk(paths.includes('/healthz') || paths.includes('/readyz'), `not among ${paths.join(', ')}`);
  const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => instance.inject(i % 2 === 0 ? '/healthz' : '/readyz')));
  t.same(answers.map((a) => a.statusCode), [200, 200, 200, 200, 200], 'probes from one address, with every per-address limit at 1');
});
