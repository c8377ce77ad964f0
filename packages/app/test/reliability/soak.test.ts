/**
 * Soak: bounded mixed traffic on loopback (sign-ups, log-ins, profiles,
 * log-outs, resets, probes) → no 5xx, and no upward memory trend. Every
 * second a full garbage collection runs, then RSS and the live heap are
 * sampled; the slope of a least-squares line through the RSS samples after
 * warm-up is reported, and the live heap is what the test judges (RSS also
 * holds garbage V8 has not given back, and moves with the machine's load).
 * SOAK_SECONDS sets the length (default 30); a longer run (SOAK_SECONDS=600)
 * gives a slope worth comparing between versions.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import t from 'tap';
import { call, listeningService, postgresDatabase, postgresUrl, skipReason } from '../fixtures/reliability.ts';

const seconds = Number(process.env.SOAK_SECONDS ?? 30);

// A full collection on demand, as `node --expose-gc` gives, without changing how the test file is started.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const mib = (bytes: number): number => bytes / 2 ** 20;

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
    const liveHeap: number[] = [];
    const sampler = setInterval(() => {
      collectGarbage();
      const { rss, heapUsed } = process.memoryUsage();
      samples.push([(Date.now() - started) / 1000, mib(rss)]);
      liveHeap.push(mib(heapUsed));
    }, 1_000);
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
    const warmUp = Math.floor(samples.length / 3);
    const steady = samples.slice(warmUp);
    const mbPerMinute = slope(steady) * 60;
    t.comment(`RSS ${steady.at(0)?.[1].toFixed(1)} → ${steady.at(-1)?.[1].toFixed(1)} MiB; slope ${mbPerMinute.toFixed(2)} MiB/min over ${steady.length} samples`);
    // A 30 s run in a test process (TypeScript loader, coverage) is too short and noisy to judge a few MiB/min;
    // it catches what a leak per request does: live memory growing with the traffic, far past the warm-up level.
    const heap = liveHeap.slice(warmUp);
    const first = heap.at(0) ?? 0;
    const last = heap.at(-1) ?? 0;
    t.ok(last < first * 1.25, `live heap after ${total} requests (${last.toFixed(1)} MiB) stays within 25 % of its post-warm-up level (${first.toFixed(1)} MiB)`);
  });
