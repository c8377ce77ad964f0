import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import fp from 'fastify-plugin';
import Type from 'typebox';

export interface HealthPluginOptions {
  /** When set, readiness also needs this Redis server to answer PING. */
  redisUrl?: string | undefined;
  /** How long one check may take before it counts as failed. */
  checkTimeoutMs?: number | undefined;
}

type Status = 'ok' | 'unavailable';

const checksSchema = Type.Object({ database: Type.String(), redis: Type.Optional(Type.String()) });

/**
 * `GET /healthz`: the process is alive and serving (no dependency checked, so a
 * database outage does not get every instance restarted). `GET /readyz`: the
 * instance can do its work — the database, and Redis when configured, answer —
 * else 503, so a load balancer sends traffic elsewhere. Both are left out of
 * rate limits (probes come every few seconds from one address) and out of the
 * OpenAPI document (they are for operators, not clients).
 */
export default fp<HealthPluginOptions>(
  async (app, options) => {
    const timeoutMs = options.checkTimeoutMs ?? 2_000;
    const probe = { config: { rateLimit: false }, logLevel: 'warn' as const };

    app.get(
      '/healthz',
      { ...probe, schema: { hide: true, response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
      async () => ({ status: 'ok' as const }),
    );

    app.get(
      '/readyz',
      {
        ...probe,
        schema: {
          hide: true,
          response: {
            200: Type.Object({ status: Type.Literal('ok'), checks: checksSchema }),
            503: Type.Object({ statusCode: Type.Literal(503), error: Type.String(), message: Type.String(), checks: checksSchema }),
          },
        },
      },
      async (request, reply) => {
        const checks: { database: Status; redis?: Status } = {
          database: await check(() => app.db.knex.raw('select 1'), timeoutMs),
        };
        if (options.redisUrl !== undefined) {
          const url = options.redisUrl;
          checks.redis = await check(() => pingRedis(url, timeoutMs), timeoutMs);
        }
        const down = Object.entries(checks).filter(([, status]) => status !== 'ok').map(([name]) => name);
        if (down.length === 0) return { status: 'ok' as const, checks };
        request.log.warn({ checks }, 'not ready');
        return reply
          .status(503)
          .send({ statusCode: 503 as const, error: 'Service Unavailable', message: `not ready: ${down.join(' and ')} unavailable`, checks });
      },
    );
  },
  { name: 'hallpass-health', fastify: '5.x', dependencies: ['hallpass-db'] },
);

/** Runs one check; an error or no answer within the limit is `unavailable`. */
async function check(run: () => Promise<unknown>, timeoutMs: number): Promise<Status> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
  });
  const outcome = await Promise.race([run(), late]).then(
    () => 'ok' as const,
    () => 'unavailable' as const,
  );
  clearTimeout(timer);
  return outcome;
}

/**
 * Sends PING (after AUTH when the URL carries credentials) over a connection of
 * its own and resolves when Redis answers PONG. A few lines of the Redis
 * protocol (RESP) rather than a client library for one command.
 */
export function pingRedis(redisUrl: string, timeoutMs: number): Promise<void> {
  const url = new URL(redisUrl);
  /* c8 ignore next 2 - Redis's defaults for a URL that names no host or port; the tests' fake servers need explicit ports */
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const port = Number(url.port || 6379);
  const commands: string[][] = [];
  const password = decodeURIComponent(url.password);
  if (password !== '') commands.push(url.username === '' ? ['AUTH', password] : ['AUTH', decodeURIComponent(url.username), password]);
  commands.push(['PING']);
  const request = commands.map((args) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`).join('');

  return new Promise<void>((resolve, reject) => {
    /* c8 ignore next - TLS (rediss://) needs a Redis with a certificate, which the test machines do not run */
    const socket: Socket = url.protocol === 'rediss:' ? connectTls({ host, port, servername: host }) : connectTcp({ host, port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('Redis did not answer in time')));
    // Written at once: the socket holds it until the connection (and TLS handshake) is made.
    socket.write(request);
    let replies = '';
    socket.on('data', (chunk: Buffer) => {
      replies += chunk.toString('latin1');
      const lines = replies.split('\r\n').slice(0, -1);
      const failed = lines.find((line) => line.startsWith('-'));
      if (failed !== undefined) socket.destroy(new Error(`Redis refused: ${failed.slice(1).split(' ')[0]}`));
      else if (lines.length >= commands.length) {
        socket.end();
        if (lines.at(-1) === '+PONG') resolve();
        else reject(new Error('Redis did not answer PONG'));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('Redis closed the connection')));
  });
}
