import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import { redact } from '@hallpass/db';
import { RedisUnavailableError } from '../errors.ts';

export interface RedisPluginOptions {
  /** `REDIS_URL`: the server the rate-limit counts live in and `/readyz` checks; no client (and `app.redis` undefined) when absent. */
  url?: string | undefined;
  /** How long the connection at start-up may take before the start fails (5 s by default). */
  connectTimeoutMs?: number | undefined;
  /** How long one command may take before it fails (1 s by default): a hung Redis must not hang the requests that count. */
  commandTimeoutMs?: number | undefined;
}

/**
 * The service's one Redis client, `app.redis`, shared by the rate limits and
 * `/readyz` (one connection per instance, not one per probe or per limit).
 *
 * At start-up it connects once, within `connectTimeoutMs`: a Redis that does not
 * answer fails the start with `RedisUnavailableError` and leaves nothing running,
 * so the process can exit. Once started, a lost connection is retried in the
 * background, and meanwhile every command fails at once (no queue): the rate
 * limits answer 503 and `/readyz` says `redis: unavailable`.
 */
export default fp<RedisPluginOptions>(
  async (app, options) => {
    if (options.url === undefined) {
      app.decorate('redis', undefined);
      return;
    }
    const where = redact(options.url);
    const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    let started = false;
    let lastError: Error | undefined;
    const redis = new Redis(options.url, {
      lazyConnect: true,
      connectTimeout: connectTimeoutMs,
      commandTimeout: options.commandTimeoutMs ?? 1_000,
      // A command while the connection is down fails now rather than waiting in a queue for a reconnection.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // No retry during the start (it fails instead); after it, reconnect every 0.1–2 s for as long as the service runs.
      retryStrategy: (attempt) => (started ? Math.min(attempt * 100, 2_000) : null),
    });
    let down = false;
    redis.on('error', (error: Error) => {
      lastError = error;
      if (!started || down) return;
      down = true;
      app.log.error({ redis: where, err: error }, 'Redis unavailable: rate-limited routes answer 503 until it is back');
    });
    redis.on('ready', () => {
      if (!down) return;
      down = false;
      app.log.info({ redis: where }, 'Redis reachable again');
    });

    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${connectTimeoutMs} ms`)), connectTimeoutMs);
    });
    try {
      await Promise.race([redis.connect(), late]);
    } catch (error) {
      redis.disconnect();
      const reason = lastError?.message ?? (error as Error).message;
      throw new RedisUnavailableError(`Redis at ${where} did not answer (${reason}): check REDIS_URL and that the server runs`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
    started = true;
    app.decorate('redis', redis);
    app.addHook('onClose', async () => {
      started = false;
      // QUIT waits for the answers still due; a connection that is down is simply dropped.
      await redis.quit().catch(() => redis.disconnect());
    });
  },
  { name: 'hallpass-redis', fastify: '5.x' },
);

declare module 'fastify' {
  interface FastifyInstance {
    /** The service's Redis client when `REDIS_URL` is set (connected at start-up), otherwise `undefined`. */
    redis: Redis | undefined;
  }
}
