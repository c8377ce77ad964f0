/** Liveness and readiness probes: what a load balancer or an orchestrator sees. */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import Fastify from 'fastify';
import t from 'tap';
import { app, buildApp, pingRedis } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';
import { ajvOptions } from '../src/validation.ts';

/** The limit given to a ping that gets an answer: only a bound on a hang, so a busy machine cannot make it run out first. */
const ANSWERS = 600_000;

/** A stand-in Redis on a free port that answers each command line with `answer(command)`. */
async function fakeRedis(t: { teardown(fn: () => unknown): void }, answer: (command: string[]) => string | null): Promise<{ url: string; seen: string[][] }> {
  const seen: string[][] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      // RESP arrays of bulk strings: *N, then $len / value pairs.
      for (;;) {
        const lines = buffer.split('\r\n');
        const count = Number(lines[0]?.slice(1));
        if (!(count > 0) || lines.length < 1 + count * 2 + 1) return;
        const command = Array.from({ length: count }, (_, i) => lines[2 + i * 2] ?? '');
        buffer = lines.slice(1 + count * 2).join('\r\n');
        seen.push(command);
        const reply = answer(command);
        if (reply === null) socket.destroy();
        else socket.write(reply);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  const { port } = server.address() as { port: number };
  return { url: `redis://127.0.0.1:${port}`, seen };
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
  const app = await buildApp({ db });
  t.teardown(() => app.close());
  const ready = await app.inject('/readyz');
  t.equal(ready.statusCode, 200);
  t.same(ready.json(), { status: 'ok', checks: { database: 'ok' } });

  await db.close();
  const notReady = await app.inject('/readyz');
  t.equal(notReady.statusCode, 503);
  t.same(notReady.json(), {
    statusCode: 503,
    error: 'Service Unavailable',
    message: 'not ready: database unavailable',
    checks: { database: 'unavailable' },
  });
});

t.test('with REDIS_URL, readiness needs Redis too', async (t) => {
  const db = await testDB(t);
  const redis = await fakeRedis(t, (command) => (command[0] === 'PING' ? '+PONG\r\n' : '+OK\r\n'));
  const app = await buildApp({ db, redisUrl: redis.url });
  t.teardown(() => app.close());
  const ready = await app.inject('/readyz');
  t.equal(ready.statusCode, 200);
  t.same(ready.json(), { status: 'ok', checks: { database: 'ok', redis: 'ok' } });

  const gone = await buildApp({ db, redisUrl: 'redis://127.0.0.1:1' });
  t.teardown(() => gone.close());
  const notReady = await gone.inject('/readyz');
  t.equal(notReady.statusCode, 503);
  t.match(notReady.json(), { message: 'not ready: redis unavailable', checks: { database: 'ok', redis: 'unavailable' } });
});

t.test('the real Redis of the machine answers, when there is one', async (t) => {
  const error = await pingRedis('redis://127.0.0.1:6379', ANSWERS).catch((e: unknown) => e);
  if (error !== undefined) {
    t.comment(`no Redis at 127.0.0.1:6379 (${String(error)}): skipped`);
    return;
  }
  t.pass('PING answered PONG');
});

t.test('pingRedis authenticates with the URL\'s credentials and reports every failure', async (t) => {
  const redis = await fakeRedis(t, (command) => (command[0] === 'PING' ? '+PONG\r\n' : '+OK\r\n'));
  await pingRedis(`${redis.url.replace('//', '//:s%40cret@')}/0`, ANSWERS);
  await pingRedis(redis.url.replace('//', '//app:pw@'), ANSWERS);
  t.same(redis.seen, [['AUTH', 's@cret'], ['PING'], ['AUTH', 'app', 'pw'], ['PING']], 'AUTH [user] password, then PING');

  const refusing = await fakeRedis(t, () => '-WRONGPASS invalid username-password pair\r\n');
  await t.rejects(pingRedis(refusing.url.replace('//', '//:bad@'), ANSWERS), { message: 'Redis refused: WRONGPASS' });
  const odd = await fakeRedis(t, () => '+HELLO\r\n');
  await t.rejects(pingRedis(odd.url, ANSWERS), { message: 'Redis did not answer PONG' });
  const closing = await fakeRedis(t, () => null);
  await t.rejects(pingRedis(closing.url, ANSWERS), { message: 'Redis closed the connection' });
  const silent = await fakeRedis(t, () => '');
  await t.rejects(pingRedis(silent.url, 50), { message: 'Redis did not answer in time' });
});

t.test('a check that hangs counts as unavailable after its time limit', async (t) => {
  const silent = await fakeRedis(t, () => '');
  const db = await testDB(t);
  const app = await buildApp({ db, redisUrl: silent.url });
  t.teardown(() => app.close());
  const response = await app.inject('/readyz');
  t.equal(response.statusCode, 503);
  t.match(response.json(), { checks: { redis: 'unavailable' } });
});

t.test('the probes are not in the OpenAPI document and are exempt from rate limits', async (t) => {
  const db = await testDB(t);
  const instance = Fastify({ ajv: ajvOptions });
  const configs = new Map<string, unknown>();
  instance.addHook('onRoute', (route) => {
    configs.set(route.url, route.config);
  });
  await app(instance, { db });
  t.teardown(() => instance.close());
  const paths = Object.keys((await instance.inject('/openapi.json')).json().paths as object);
  t.notOk(paths.includes('/healthz') || paths.includes('/readyz'), `not among ${paths.join(', ')}`);
  for (const url of ['/healthz', '/readyz']) {
    t.match(configs.get(url), { rateLimit: false }, `${url} opts out of @fastify/rate-limit`);
  }
});
