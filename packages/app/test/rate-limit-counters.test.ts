/** The rate limits' counters: they never forget a live count, and when they cannot count, the limits fail closed (503). */
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { Redis } from 'ioredis';
import { buildApp } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';
import { MemoryCounter, RedisCounter } from '../src/plugins/rate-limits.ts';
import { fakeRedis, upRedis } from './fixtures/redis.ts';

/** A clock in milliseconds that moves only by hand. */
function handClock() {
  let now = 1_000;
  return { now: () => now, move: (ms: number) => (now += ms) };
}

t.test('the memory counter: a window per key, handed back never below zero, reset forgets', async (t) => {
  const clock = handClock();
  const counter = new MemoryCounter({ now: clock.now });
  t.same(await counter.take('a', 60_000), { count: 1, ttlMs: 60_000 });
  clock.move(59_000);
  t.same(await counter.take('a', 60_000), { count: 2, ttlMs: 1_000 }, 'the same window');
  clock.move(1_000);
  t.same(await counter.take('a', 60_000), { count: 1, ttlMs: 60_000 }, 'the window ended: a new one');
  await counter.giveBack('never-taken');
  await counter.giveBack('a');
  await counter.giveBack('a');
  t.equal((await counter.take('a', 60_000)).count, 1, 'never below zero');
  await counter.take('a', 60_000);
  await counter.reset('a');
  await counter.reset('never-taken');
  t.equal((await counter.take('a', 60_000)).count, 1, 'reset starts again at 1');
});

t.test('the memory counter never drops a live count to make room: when full, it refuses until one ends', async (t) => {
  const clock = handClock();
  const counter = new MemoryCounter({ maxKeys: 3, now: clock.now });
  await counter.take('victim', 60 * 60_000);
  await counter.take('victim', 60 * 60_000);
  await counter.take('one', 15 * 60_000);
  clock.move(60_000);
  await counter.take('two', 15 * 60_000);
  await t.rejects(counter.take('three', 15 * 60_000), {
    code: 'ERR_RATE_LIMITS_UNAVAILABLE',
    retryAfterSeconds: 14 * 60,
    message: 'too many clients are being counted at once; try again in 840 s',
  }, 'full: the next key is refused, Retry-After when the first count ends');
  t.equal((await counter.take('victim', 60 * 60_000)).count, 3, 'a key it holds still counts');
  clock.move(14 * 60_000);
  t.equal((await counter.take('three', 15 * 60_000)).count, 1, 'once `one` has ended, there is room');
  t.equal(counter.size, 3, '`one` was dropped, nothing else');
  t.equal((await counter.take('victim', 60 * 60_000)).count, 4, 'the victim\'s count is intact');
  clock.move(60 * 60_000);
  t.equal((await counter.take('four', 15 * 60_000)).count, 1);
  t.equal(counter.size, 1, 'every ended window is dropped');
});

t.test('a full memory counter answers 503 with Retry-After, and keeps every count it holds', async (t) => {
  const app = await buildApp({ db: await testDB(t), bcryptCost: 4, server: { trustProxy: '127.0.0.1' }, security: { rateLimits: { memoryKeys: 3, loginFailuresPerAccountAddress: 1 } } });
  t.teardown(() => app.close());
  const login = (email: string, from: string) => app.inject({ method: 'POST', url: '/sessions', payload: { email, password: 'guess' }, headers: { 'x-forwarded-for': from } });
  t.equal((await login('victim@example.com', '203.0.113.1')).statusCode, 401, 'three counts: per address, per account and address, per account');
  const full = await login('other@example.com', '203.0.113.2');
  t.equal(full.statusCode, 503, 'a request that needs new counts');
  t.equal(full.headers['retry-after'], '900');
  t.match(full.json(), { code: 'ERR_RATE_LIMITS_UNAVAILABLE', message: 'too many clients are being counted at once; try again in 900 s' });
  t.equal((await login('victim@example.com', '203.0.113.1')).statusCode, 429, 'the victim\'s counts are all still there');
});

t.test('Redis down: the limits fail closed with 503, Retry-After and a JSON message', async (t) => {
  const redis = await fakeRedis(t, upRedis);
  const app = await buildApp({ db: await testDB(t), bcryptCost: 4, security: { redisUrl: redis.url } });
  t.teardown(() => app.close());
  const failed = once(app.redis!, 'error');
  redis.stop();
  await failed;
  for (const [method, url, payload] of [
    ['POST', '/sessions', { email: 'bob@example.com', password: 'guess' }],
    ['PUT', '/reset_password', { email: 'bob@example.com', reset_token: randomUUID(), new_password: 'n3w' }],
    ['POST', '/reset_password', { email: 'bob@example.com' }],
    ['POST', '/users', { email: 'bob@example.com', password: 'r1ght' }],
  ] as const) {
    const response = await app.inject({ method, url, payload });
    t.equal(response.statusCode, 503, `${method} ${url}`);
    t.equal(response.headers['retry-after'], '5');
    t.same(response.json(), {
      statusCode: 503, code: 'ERR_RATE_LIMITS_UNAVAILABLE', error: 'Service Unavailable',
      message: 'the rate-limit counts cannot be reached; try again in 5 s',
    });
  }
  t.equal((await app.inject('/')).statusCode, 200, 'routes without limits still answer');
  t.equal((await app.db.findUserBy({ email: 'bob@example.com' }).catch(() => null)), null, 'the refused sign-up did nothing');
});

/** Whether the machine's Redis answers. */
async function realRedis(): Promise<Redis | undefined> {
  const client = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, retryStrategy: () => null, connectTimeout: 1_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return client;
  } catch {
    return undefined;
  }
}

const real = await realRedis();
if (real === undefined) console.log('# Redis does not answer at 127.0.0.1:6379: the RedisCounter test is skipped');
t.test('the Redis counter: a window per key, handed back only while it counts, reset forgets', { skip: real === undefined ? 'Redis does not answer at 127.0.0.1:6379' : false }, async (t) => {
  const client = real!;
  t.teardown(() => client.quit());
  const prefix = `hallpass-test:${randomUUID()}:`;
  const counter = new RedisCounter(client, prefix);
  const first = await counter.take('a', 60_000);
  t.equal(first.count, 1);
  t.ok(first.ttlMs > 0 && first.ttlMs <= 60_000, `the window's time left, got ${first.ttlMs}`);
  t.equal((await counter.take('a', 60_000)).count, 2);
  await counter.giveBack('a');
  t.equal((await counter.take('a', 60_000)).count, 2, 'handed back, then taken again');
  await counter.reset('a');
  t.equal(await client.exists(`${prefix}a`), 0, 'reset deletes the key');
  await counter.giveBack('a');
  t.equal(await client.exists(`${prefix}a`), 0, 'handing back a key that ended does not bring it back');
  await client.set(`${prefix}b`, '7');
  t.equal((await counter.take('b', 60_000)).count, 8);
  t.ok(await client.pttl(`${prefix}b`) > 0, 'a key found without an expiry gets one');
  await client.del(`${prefix}b`);
});
