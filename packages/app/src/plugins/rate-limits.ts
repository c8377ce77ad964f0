import { isIPv4, isIPv6 } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { defaultRateLimits, type RateLimits } from '../config.ts';
import { RateLimitsUnavailableError } from '../errors.ts';
import { audit } from './audit.ts';
import { sessionIdOf } from './cookies.ts';

export interface RateLimitsPluginOptions {
  /** Overrides of the default limits; `0` turns one off. */
  limits?: Partial<RateLimits> | undefined;
  /** The first part of every Redis key (tests give each run its own). The counts live in `app.redis` when there is one, else in memory. */
  redisPrefix?: string | undefined;
}

const FIFTEEN_MINUTES = 15 * 60_000;
const ONE_HOUR = 60 * 60_000;

/**
 * The client a per-address limit counts: an IPv4 address as it is, an IPv6
 * address by its /64 (`2001:db8:0:7::/64`), since one subscriber usually holds
 * a whole /64 and could otherwise take a fresh address for every guess. An IPv4
 * address written as IPv6 (`::ffff:192.0.2.1`, as a dual-stack socket reports
 * it) is that IPv4 address; every spelling of one /64 gives one key.
 */
export function addressKey(ip: string): string {
  // A zone (`fe80::1%eth0`) names the interface the packet came in by, not the client.
  const address = ip.replace(/%.*$/, '');
  if (isIPv4(address)) return address;
  // Not an address at all (a trusted proxy that forwards junk): counted as it is.
  if (!isIPv6(address)) return ip;
  const groups = ipv6Groups(address);
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return `${groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, `::` expanded and a dotted IPv4 tail read as two groups. */
function ipv6Groups(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted !== null) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const groupsOf = (part: string | undefined) => (part === undefined || part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const [head, tail] = text.split('::');
  const left = groupsOf(head);
  if (tail === undefined) return left;
  const right = groupsOf(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

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

/** What a failure-counting route's failures are: their kind, the status that means one, and the account they are counted against. */
export interface FailureRoute {
  what: 'login' | 'reset';
  failure: number;
  account: (request: FastifyRequest) => string | Promise<string>;
}

/** The routes where only failures count (a success never does), by `'<method> <route>'`. */
export const failureRoutes: ReadonlyMap<string, FailureRoute> = new Map([
  ['POST /sessions', { what: 'login', failure: 401, account: accountKey }],
  ['PUT /reset_password', { what: 'reset', failure: 403, account: accountKey }],
  // #region task-30
  // A wrong current password is a failed login of the session's account: a stolen cookie gives no fresh guesses.
  ['PUT /password', { what: 'login', failure: 401, account: sessionAccountKey }],
  // #endregion
]);

/** One limit: how many in which window, counted per what, and what the client reads when over it. */
export interface Limit {
  name: string;
  max: number;
  windowMs: number;
  /** Counted per client address (`addressKey`), per account, or per account and address together. */
  per: 'address' | 'account' | 'account-address';
  message: string;
}

/** The key `limit` counts a request under: its name, then the address, the account, or both (emails hold no space). */
export function limitKey(limit: Limit, client: { address: string; account: string }): string {
  const subject = limit.per === 'address' ? client.address : limit.per === 'account' ? client.account : `${client.address} ${client.account}`;
  return `${limit.name}:${subject}`;
}

/** Counters that can hand an attempt back: a failure-only limit takes before the attempt and returns it on success. */
export interface Counter {
  /** Adds one to `key` (a new window of `windowMs` starts at the first) and says the count and the time left; `RateLimitsUnavailableError` when it cannot count. */
  take(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }>;
  /** Takes one off `key`, if it is still counting. */
  giveBack(key: string): Promise<void>;
  /** Forgets `key`: the next `take` starts a new window at 1. */
  reset(key: string): Promise<void>;
}

/** Whole seconds, at least one: what `Retry-After` says. */
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * Counters in this process: enough for one instance. A live count is never
 * dropped to make room (an attacker could otherwise wipe a victim's count by
 * filling the store); ended windows are, and when `maxKeys` counts are live a
 * request that needs a new one is refused (`RateLimitsUnavailableError`, 503).
 */
export class MemoryCounter implements Counter {
  readonly #maxKeys: number;
  readonly #now: () => number;
  /** One map per window length: its entries end in the order they began, so the ended ones are at its front. */
  readonly #byWindow = new Map<number, Map<string, { count: number; endsAt: number }>>();
  #size = 0;

  /** `now` is a clock in milliseconds (a monotonic one by default); tests pass one they move by hand. */
  constructor(options: { maxKeys?: number | undefined; now?: (() => number) | undefined } = {}) {
    this.#maxKeys = options.maxKeys ?? defaultRateLimits.memoryKeys;
    this.#now = options.now ?? (() => performance.now());
  }

  /** How many counts are live. */
  get size(): number {
    return this.#size;
  }

  async take(key: string, windowMs: number) {
    const now = this.#now();
    this.#dropEnded(now);
    let entries = this.#byWindow.get(windowMs);
    if (entries === undefined) {
      entries = new Map();
      this.#byWindow.set(windowMs, entries);
    }
    let entry = entries.get(key);
    if (entry === undefined) {
      if (this.#size >= this.#maxKeys) {
        const wait = seconds(this.#firstEnd() - now);
        throw new RateLimitsUnavailableError(`too many clients are being counted at once; try again in ${wait} s`, wait);
      }
      entry = { count: 0, endsAt: now + windowMs };
      entries.set(key, entry);
      this.#size += 1;
    }
    entry.count += 1;
    return { count: entry.count, ttlMs: entry.endsAt - now };
  }

  async giveBack(key: string) {
    for (const entries of this.#byWindow.values()) {
      const entry = entries.get(key);
      if (entry !== undefined && entry.count > 0) entry.count -= 1;
    }
  }

  async reset(key: string) {
    for (const entries of this.#byWindow.values()) if (entries.delete(key)) this.#size -= 1;
  }

  #dropEnded(now: number) {
    for (const entries of this.#byWindow.values()) {
      for (const [key, entry] of entries) {
        if (entry.endsAt > now) break;
        entries.delete(key);
        this.#size -= 1;
      }
    }
  }

  /** When the first live count ends (it is full, so there is one). */
  #firstEnd(): number {
    let first = Infinity;
    for (const entries of this.#byWindow.values()) {
      const next = entries.values().next();
      if (next.done !== true) first = Math.min(first, next.value.endsAt);
    }
    return first;
  }
}

/** INCR, with the window's expiry set by the first one (or whenever the key has none), in one atomic step. */
const takeScript = `
local count = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`;

/** DECR only while the key still counts: an expired window is not brought back to life. */
const giveBackScript = `
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end
return 0`;

/** How long a client is asked to wait when Redis does not answer. */
const REDIS_RETRY_AFTER_SECONDS = 5;

/**
 * Counters in Redis: every instance that uses the same Redis and prefix shares
 * them. Keys end with their window (PEXPIRE), so memory follows the traffic of
 * the last window; Redis must not evict live keys (`maxmemory-policy noeviction`).
 * When Redis does not answer, `take` throws `RateLimitsUnavailableError` (503):
 * the limits fail closed. A count that cannot be handed back or reset stays
 * until its window ends, which errs on the safe side.
 */
export class RedisCounter implements Counter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async take(key: string, windowMs: number) {
    try {
      const [count, ttlMs] = (await this.redis.eval(takeScript, 1, this.prefix + key, windowMs)) as [number, number];
      return { count, ttlMs };
    } catch (error) {
      throw new RateLimitsUnavailableError(`the rate-limit counts cannot be reached; try again in ${REDIS_RETRY_AFTER_SECONDS} s`, REDIS_RETRY_AFTER_SECONDS, { cause: error });
    }
  }

  async giveBack(key: string) {
    await this.redis.eval(giveBackScript, 1, this.prefix + key).catch(() => undefined);
  }

  async reset(key: string) {
    await this.redis.del(this.prefix + key).catch(() => undefined);
  }
}

function tooMany(request: FastifyRequest, reply: FastifyReply, limit: Limit, ttlMs: number) {
  const wait = seconds(ttlMs);
  audit(request, 'rate_limited', { limit: limit.name });
  return reply
    .status(429)
    .header('retry-after', String(wait))
    .send({ statusCode: 429, code: 'ERR_RATE_LIMITED', error: 'Too Many Requests', message: `${limit.message}; try again in ${wait} s` });
}

/**
 * Rate limits (OWASP ASVS 5.0 V6.3.1, NIST SP 800-63B-4 throttling): password
 * guessing, reset spam and mass sign-ups are slowed to a rate no attack can live
 * with, and no stranger can lock an owner out. Failed logins and failed
 * reset-token uses count per account from one address (the owner's own address
 * keeps working while an attacker's is stopped), per account from every address
 * (a ceiling for attacks spread over many addresses) and per address; only
 * failures count, and a success clears its account's counts. Reset requests count
 * per address and per account, sign-ups per address. An IPv6 client counts by its
 * /64. Over a limit: 429 with `Retry-After`; counts that cannot be kept: 503.
 */
export default fp<RateLimitsPluginOptions>(
  async (app, options) => {
    // #region task-27
    const limits = { ...defaultRateLimits, ...options.limits };
    const counter: Counter = app.redis === undefined
      ? new MemoryCounter({ maxKeys: limits.memoryKeys })
      : new RedisCounter(app.redis, options.redisPrefix ?? 'hallpass:rate-limit:');

    // Limits on every attempt, by route: checked in order, so a refused address creates no count for the account.
    const everyAttempt = new Map<string, Limit[]>([
      ['POST /users', [
        { name: 'signups-per-address', max: limits.signUpsPerAddress, windowMs: FIFTEEN_MINUTES, per: 'address', message: 'too many sign-ups from this address' },
      ]],
      ['POST /reset_password', [
        { name: 'reset-requests-per-address', max: limits.resetRequestsPerAddress, windowMs: ONE_HOUR, per: 'address', message: 'too many reset requests from this address' },
        { name: 'reset-requests-per-account', max: limits.resetRequestsPerAccount, windowMs: ONE_HOUR, per: 'account', message: 'too many reset requests for this account' },
      ]],
    ]);

    // Limits on failures only, for logins and for reset-token uses alike.
    const failureLimits = (what: FailureRoute['what']): Limit[] => [
      { name: `${what}-failures-per-address`, max: limits.loginFailuresPerAddress, windowMs: FIFTEEN_MINUTES, per: 'address', message: `too many failed ${what}s from this address` },
      { name: `${what}-failures-per-account-address`, max: limits.loginFailuresPerAccountAddress, windowMs: FIFTEEN_MINUTES, per: 'account-address', message: `too many failed ${what}s for this account from this address` },
      { name: `${what}-failures-per-account`, max: limits.loginFailuresPerAccount, windowMs: FIFTEEN_MINUTES, per: 'account', message: `too many failed ${what}s for this account` },
    ];
    const taken = new WeakMap<FastifyRequest, { keys: string[]; client: { address: string; account: string } }>();

    // preHandler: after the body is parsed and validated, so the account is known and a malformed request costs nothing.
    // Taken before the attempt, so parallel guesses cannot all slip through: an attempt counts while it runs.
    app.addHook('preHandler', async (request, reply) => {
      const route = `${request.method} ${request.routeOptions.url}`;
      const failures = failureRoutes.get(route);
      const routeLimits = failures === undefined ? everyAttempt.get(route) : failureLimits(failures.what);
      if (routeLimits === undefined) return;
      const client = { address: addressKey(request.ip), account: await (failures?.account ?? accountKey)(request) };
      const keys: string[] = [];
      taken.set(request, { keys, client });
      for (const limit of routeLimits) {
        if (limit.max === 0) continue;
        const key = limitKey(limit, client);
        const { count, ttlMs } = await counter.take(key, limit.windowMs);
        keys.push(key);
        if (count > limit.max) return tooMany(request, reply, limit, ttlMs);
      }
    });
    // onSend: the counts are settled before the client reads the answer, so its next attempt finds them there.
    app.addHook('onSend', async (request, reply) => {
      const attempt = taken.get(request);
      const failures = failureRoutes.get(`${request.method} ${request.routeOptions.url}`);
      if (attempt === undefined || failures === undefined || reply.statusCode === failures.failure) return;
      taken.delete(request);
      // Not a failure: the attempt is handed back.
      await Promise.all(attempt.keys.map((key) => counter.giveBack(key)));
      // A success proves the password (or a mailed token): it clears the account's failure counts from this address,
      // and its consecutive count from every address. Never the address's own count, which a success of the
      // attacker's own account would otherwise clear between guesses.
      if (reply.statusCode !== 200) return;
      const cleared = [...failureLimits('login'), ...failureLimits('reset')].filter((limit) => limit.per !== 'address');
      await Promise.all(cleared.map((limit) => counter.reset(limitKey(limit, attempt.client))));
    });
    // #stub
    // // No limits: a script may guess passwords and ask for reset tokens as fast as the server answers.
    // #endregion
  },
  { name: 'hallpass-rate-limits', fastify: '5.x', dependencies: ['hallpass-auth', 'hallpass-cookies', 'hallpass-redis'] },
);
