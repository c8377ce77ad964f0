import fp from 'fastify-plugin';
import Type from 'typebox';

export interface HealthPluginOptions {
  /** How long one check may take before it counts as failed. */
  checkTimeoutMs?: number | undefined;
  /** How long one readiness answer is reused: probes from many balancers cost one check per period. */
  cacheMs?: number | undefined;
  /** Where the cache reads the time; the system clock when absent. */
  clock?: (() => Date) | undefined;
}

type Status = 'ok' | 'unavailable';
interface Checks {
  database: Status;
  redis?: Status;
}

const checksSchema = Type.Object({ database: Type.String(), redis: Type.Optional(Type.String()) });

/**
 * `GET /healthz`: the process is alive and serving (no dependency checked, so a
 * database outage does not get every instance restarted). `GET /readyz`: the
 * instance can do its work — the database, and Redis when configured, answer —
 * else 503, so a load balancer sends traffic elsewhere. Redis is asked over the
 * service's own client (`app.redis`), and an answer is reused for a second, so
 * frequent probes open no connections and cost one check per second. Neither
 * route is rate-limited or in the OpenAPI document (they are for operators).
 */
export default fp<HealthPluginOptions>(
  async (app, options) => {
    const timeoutMs = options.checkTimeoutMs ?? 2_000;
    const cacheMs = options.cacheMs ?? 1_000;
    const now = () => (options.clock?.() ?? new Date()).getTime();
    const probe = { logLevel: 'warn' as const };
    let cached: { at: number; checks: Promise<Checks> } | undefined;

    const runChecks = async (): Promise<Checks> => {
      const checks: Checks = { database: await check(() => app.db.knex.raw('select 1'), timeoutMs) };
      const redis = app.redis;
      if (redis !== undefined) checks.redis = await check(() => redis.ping(), timeoutMs);
      return checks;
    };

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
        // Probes that come within `cacheMs` of a check share its answer (and one in flight).
        if (cached === undefined || now() - cached.at >= cacheMs) cached = { at: now(), checks: runChecks() };
        const checks = await cached.checks;
        const down = Object.entries(checks).filter(([, status]) => status !== 'ok').map(([name]) => name);
        if (down.length === 0) return { status: 'ok' as const, checks };
        request.log.warn({ checks }, 'not ready');
        return reply
          .status(503)
          .send({ statusCode: 503 as const, error: 'Service Unavailable', message: `not ready: ${down.join(' and ')} unavailable`, checks });
      },
    );
  },
  { name: 'hallpass-health', fastify: '5.x', dependencies: ['hallpass-db', 'hallpass-redis'] },
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
