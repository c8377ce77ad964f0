/**
 * Every per-address limit counts an IPv6 client by its /64 — reset requests and
 * failed reset-token uses as well as logins and sign-ups (task 27's test) — since
 * a subscriber holds a whole /64 and could take a fresh address for every request.
 */
import { randomUUID } from 'node:crypto';
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';

/** Requests from `from`, through the proxy the service trusts (127.0.0.1, where `inject` comes from). */
async function statuses(app: FastifyInstance, method: 'POST' | 'PUT', url: string, requests: Array<[Record<string, string>, string]>): Promise<number[]> {
  const answers: number[] = [];
  for (const [payload, from] of requests) answers.push((await app.inject({ method, url, payload, headers: { 'x-forwarded-for': from } })).statusCode);
  return answers;
}

/** Three addresses of one /64, each spelled its own way, then one of the next /64. */
const oneSubnet = ['2001:db8:42:7::1', '2001:DB8:42:7:ffff:0:0:2', '2001:0db8:0042:0007:1:2:3:4'];
const nextSubnet = '2001:db8:42:8::1';

t.test('reset requests and failed reset-token uses count an IPv6 client by its /64', async (t) => {
  const app = await buildApp({
    db: await testDB(t),
    bcryptCost: 4,
    server: { trustProxy: '127.0.0.1' },
    security: { rateLimits: { resetRequestsPerAddress: 2, loginFailuresPerAddress: 2 } },
  });
  t.teardown(() => app.close());

  // Each for another account, so only the per-address limit can stop them.
  const asks = await statuses(app, 'POST', '/reset_password', oneSubnet.map((from, i) => [{ email: `asker-${i}@example.com` }, from]));
  t.same(asks, [403, 403, 429], 'reset requests: the third address of the /64 finds the limit reached');
  t.same(await statuses(app, 'POST', '/reset_password', [[{ email: 'asker-9@example.com' }, nextSubnet]]), [403], 'the next /64 is another client');

  const guess = (i: number) => ({ email: `guessed-${i}@example.com`, reset_token: randomUUID(), new_password: 'n3w-pw' });
  const guesses = await statuses(app, 'PUT', '/reset_password', oneSubnet.map((from, i) => [guess(i), from]));
  t.same(guesses, [403, 403, 429], 'failed reset-token uses: likewise');
  t.same(await statuses(app, 'PUT', '/reset_password', [[guess(9), nextSubnet]]), [403], 'the next /64 is another client');
});
