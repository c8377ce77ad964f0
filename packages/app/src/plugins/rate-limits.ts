import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import { defaultRateLimits, type RateLimits } from '../config.ts';
import { audit } from './audit.ts';
import { sessionIdOf } from './cookies.ts';

export interface RateLimitsPluginOptions {
  /** Overrides of the default limits; `0` turns one off. */
  limits?: Partial<RateLimits> | undefined;
  /** Keep the counters in this Redis, shared by every instance that uses it; in this process's memory when absent. */
  redisUrl?: string | undefined;
  /** The first part of every Redis key (tests give each run its own). */
  redisPrefix?: string | undefined;
}

const FIFTEEN_MINUTES = 15 * 60_000;
const ONE_HOUR = 60 * 60_000;

/** The account a request names: the email as the service compares it (NFKC, trimmed, lower case), so a full-width spelling counts as the plain one. */
export function accountKey(request: FastifyRequest): string {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.normalize('NFKC').trim().toLowerCase() : '';
}

/** The account of the request's session, in the same form as `accountKey`; `''` without a valid session. */
export async function sessionAccountKey(request: FastifyRequest): Promise<string> {
  const user = await request.server.auth.getUserFromSessionId(sessionIdOf(request));
  return user === null ? '' : user.email.normalize('NFKC').trim().toLowerCase();
}

/** One limit: how many in which window, counted under which key, and what the client reads when over it. */
interface Limit {
  name: string;
  max: number;
  windowMs: number;
  key: (request: FastifyRequest) => string | Promise<string>;
  message: string;
}

/** Counters that can hand an attempt back: a failure-only limit takes before the attempt and returns it on success. */
export interface Counter {
  /** Adds one to `key` (a new window of `windowMs` starts at the first) and says the count and the time left. */
  take(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }>;
  /** Takes one off `key`, if it is still counting. */
  giveBack(key: string): Promise<void>;
}

/** The number of keys after which the memory counter drops expired ones. */
const MEMORY_SWEEP_AT = 10_000;

/** Counters in this process: enough for one instance. */
export class MemoryCounter implements Counter {
  readonly #entries = new Map<string, { count: number; expiresAt: number }>();

  async take(key: string, windowMs: number) {
    const now = Date.now();
    let entry = this.#entries.get(key);
    if (entry === undefined || entry.expiresAt <= now) {
      if (this.#entries.size >= MEMORY_SWEEP_AT) this.#sweep(now);
      entry = { count: 0, expiresAt: now + windowMs };
      this.#entries.set(key, entry);
    }
    entry.count += 1;
    return { count: entry.count, ttlMs: entry.expiresAt - now };
  }

  async giveBack(key: string) {
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.count > 0) entry.count -= 1;
  }

  #sweep(now: number) {
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }
}

/** INCR, with the window's expiry set by the first one, in one atomic step. */
const takeScript = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`;

/** DECR only while the key still counts: an expired window is not brought back to life. */
const giveBackScript = `
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end
return 0`;

/** Counters in Redis: every instance that uses the same Redis and prefix shares them. */
export class RedisCounter implements Counter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async take(key: string, windowMs: number) {
    const [count, ttlMs] = (await this.redis.eval(takeScript, 1, this.prefix + key, windowMs)) as [number, number];
    return { count, ttlMs };
  }

  async giveBack(key: string) {
    await this.redis.eval(giveBackScript, 1, this.prefix + key);
  }
}

function tooMany(request: FastifyRequest, reply: FastifyReply, limit: Limit, ttlMs: number) {
  const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
  audit(request, 'rate_limited', { limit: limit.name });
  return reply
    .status(429)
    .header('retry-after', String(seconds))
    .send({ statusCode: 429, code: 'ERR_RATE_LIMITED', error: 'Too Many Requests', message: `${limit.message}; try again in ${seconds} s` });
}

/**
 * Rate limits (OWASP ASVS 5.0 §6.3.1): password guessing, reset spam and mass
 * sign-ups are slowed to a rate no attack can live with. Failed logins and
 * failed reset-token uses count per account and per client address, and only
 * failures count, so a user who logs in often is never stopped; reset requests
 * count per account, sign-ups per address. Over a limit: 429 with `Retry-After`.
 */
export default fp<RateLimitsPluginOptions>(
  async (app, options) => {
    // #region task-27
    const limits = { ...defaultRateLimits, ...options.limits };
    const prefix = options.redisPrefix ?? 'hallpass:rate-limit:';
    const redis = options.redisUrl === undefined ? undefined : new Redis(options.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
    if (redis !== undefined) {
      await redis.connect();
      app.addHook('onClose', async () => {
        await redis.quit();
      });
    }
    const counter: Counter = redis === undefined ? new MemoryCounter() : new RedisCounter(redis, `${prefix}failures:`);

    // Limits on every attempt: @fastify/rate-limit's own stores (memory or the same Redis).
    await app.register(rateLimit, { global: false, ...(redis === undefined ? {} : { redis, nameSpace: `${prefix}attempts:` }) });
    const everyAttempt = new Map<string, { limit: Limit; check: ReturnType<typeof app.createRateLimit> }>();
    const countEvery = (route: string, limit: Limit) => {
      if (limit.max === 0) return;
      everyAttempt.set(route, { limit, check: app.createRateLimit({ max: limit.max, timeWindow: limit.windowMs, keyGenerator: async (request) => `${limit.name}:${await limit.key(request)}` }) });
    };
    countEvery('POST /users', { name: 'signups-per-address', max: limits.signUpsPerAddress, windowMs: FIFTEEN_MINUTES, key: (r) => r.ip, message: 'too many sign-ups from this address' });
    countEvery('POST /reset_password', { name: 'reset-requests-per-account', max: limits.resetRequestsPerAccount, windowMs: ONE_HOUR, key: accountKey, message: 'too many reset requests for this account' });

    // Limits on failures only: taken before the attempt (so parallel guesses cannot all slip through), handed back unless it
    // failed. An attempt in flight counts until it is answered: more than the limit at once for one account is refused.
    const failureLimits = (what: string, account: Limit['key'] = accountKey): Limit[] => ([
      { name: `${what}-failures-per-account`, max: limits.loginFailuresPerAccount, windowMs: FIFTEEN_MINUTES, key: account, message: `too many failed ${what}s for this account` },
      { name: `${what}-failures-per-address`, max: limits.loginFailuresPerAddress, windowMs: FIFTEEN_MINUTES, key: (r: FastifyRequest) => r.ip, message: `too many failed ${what}s from this address` },
    ] satisfies Limit[]).filter((limit) => limit.max > 0);
    const onFailure = new Map<string, { limits: Limit[]; failure: number }>([
      ['POST /sessions', { limits: failureLimits('login'), failure: 401 }],
      ['PUT /reset_password', { limits: failureLimits('reset'), failure: 403 }],
      // #region task-30
      // A wrong current password is a failed login of the session's account: a stolen cookie gives no fresh guesses.
      ['PUT /password', { limits: failureLimits('login', sessionAccountKey), failure: 401 }],
      // #endregion
    ]);
    const taken = new WeakMap<FastifyRequest, string[]>();

    // preHandler: after the body is parsed and validated, so the account is known and a malformed request costs nothing.
    app.addHook('preHandler', async (request, reply) => {
      const route = `${request.method} ${request.routeOptions.url}`;
      const every = everyAttempt.get(route);
      if (every !== undefined) {
        const result = await every.check(request);
        if (!result.isAllowed && result.isExceeded) return tooMany(request, reply, every.limit, result.ttl);
      }
      const failures = onFailure.get(route);
      if (failures === undefined) return;
      const keys: string[] = [];
      taken.set(request, keys);
      for (const limit of failures.limits) {
        const key = `${limit.name}:${await limit.key(request)}`;
        const { count, ttlMs } = await counter.take(key, limit.windowMs);
        keys.push(key);
        if (count > limit.max) return tooMany(request, reply, limit, ttlMs);
      }
    });
    // onSend: the count is back before the client reads the answer, so its next attempt finds it there.
    app.addHook('onSend', async (request, reply) => {
      const keys = taken.get(request);
      if (keys === undefined || reply.statusCode === onFailure.get(`${request.method} ${request.routeOptions.url}`)?.failure) return;
      taken.delete(request);
      await Promise.all(keys.map((key) => counter.giveBack(key)));
    });
    // #stub
    // // No limits: a script may guess passwords and ask for reset tokens as fast as the server answers.
    // #endregion
  },
  { name: 'hallpass-rate-limits', fastify: '5.x', dependencies: ['hallpass-auth', 'hallpass-cookies'] },
);
