/**
 * Soak: bounded mixed traffic on loopback (sign-ups, log-ins, profiles,
 * log-outs, resets, probes) → no 5xx, and no upward memory trend. RSS is
 * sampled every second and the slope of a least-squares line through the
 * samples after warm-up is reported. SOAK_SECONDS sets the length (default 30);
 * a longer run (SOAK_SECONDS=600) gives a slope worth comparing between versions.
 */
import t from 'tap';
import { call, listeningService, postgresDatabase, postgresUrl, skipReason } from '../fixtures/reliability.ts';

const seconds = Number(process.env.SOAK_SECONDS ?? 30);

/** Slope of the least-squares line through (x, y) points. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

if (postgresUrl === undefined) t.test(skipReason, { skip: skipReason }, () => {});
else
  t.test(`${seconds} s of mixed traffic: no 5xx, no memory growth`, async (t) => {
    const { base } = await listeningService(t, await postgresDatabase(t));
    const statuses = new Map<number, number>();
    const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const started = Date.now();
    const samples: Array<[number, number]> = [];
    const sampler = setInterval(() => samples.push([(Date.now() - started) / 1000, process.memoryUsage().rss / 2 ** 20]), 1_000);
    t.teardown(() => clearInterval(sampler));

    const user = async (id: number) => {
      for (let i = 0; Date.now() - started < seconds * 1000; i++) {
        const email = `soak${id}-${i}@example.com`;
        const steps = [
          await call(base, 'POST', '/users', { email, password: 'pw-12345' }),
          await call(base, 'POST', '/sessions', { email, password: 'wrong-pw' }),
        ];
        const login = await call(base, 'POST', '/sessions', { email, password: 'pw-12345' });
        steps.push(login, await call(base, 'GET', '/profile', undefined, login.cookie), await call(base, 'GET', '/profile', undefined, 'not-a-session'));
        const reset = await call(base, 'POST', '/reset_password', { email });
        steps.push(reset, await call(base, 'PUT', '/reset_password', { email, reset_token: String(reset.body.reset_token), new_password: 'pw-67890' }));
        steps.push(await call(base, 'DELETE', '/sessions', undefined, login.cookie), await call(base, 'GET', '/healthz'), await call(base, 'GET', '/readyz'));
        for (const step of steps) count(step.status);
      }
    };
    await Promise.all([1, 2, 3, 4].map(user));
    clearInterval(sampler);

    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    const errors = [...statuses].filter(([status]) => status >= 500);
    t.same(errors, [], `no 5xx among ${total} requests (${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')})`);
    // The first third is warm-up (JIT, pools, caches filling); the trend is judged on the rest.
    const steady = samples.slice(Math.floor(samples.length / 3));
    const mbPerMinute = slope(steady) * 60;
    t.comment(`RSS ${steady.at(0)?.[1].toFixed(1)} → ${steady.at(-1)?.[1].toFixed(1)} MiB; slope ${mbPerMinute.toFixed(2)} MiB/min over ${steady.length} samples`);
    // A 30 s run in a test process (TypeScript loader, coverage) is too short and noisy to judge a few MiB/min;
    // it catches what a leak per request does: memory growing with the traffic, far past the warm-up level.
    const first = steady.at(0)?.[1] ?? 0;
    const last = steady.at(-1)?.[1] ?? 0;
    t.ok(last < first * 1.25, `RSS after ${total} requests (${last.toFixed(1)} MiB) stays within 25 % of its post-warm-up level (${first.toFixed(1)} MiB)`);
  });
