/**
 * `pnpm --filter @hallpass/app bench:signup-timing`: the production profile's
 * sign-up (task 33) must not tell a taken email from a new one by its time.
 * Sign-ups of new and of one taken email take turns, one at a time, at the
 * service's bcrypt cost (12 unless `BCRYPT_COST` says otherwise); each round
 * compares the medians of the two, and the ratio must stay within 0.8–1.25.
 * The mails go nowhere (a closed port): they are sent after the answer, so they
 * cannot show in it. Runs on the embedded database, or on `DATABASE_URL`'s
 * PostgreSQL; prints one line per round and exits non-zero when a ratio misses.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { DB } from '@hallpass/db';
import { buildApp } from '../src/app.ts';

const PER_ROUND = 15;
const ROUNDS = 3;
const LOW = 0.8;
const HIGH = 1.25;
const bcryptCost = Number(process.env.BCRYPT_COST ?? 12);
const password = 'b3nch-s1gn-up-t1m1ng-pw';

/** A port where nothing listens: the mail server of this bench. */
async function closedPort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, 'close');
  return port;
}

const db = await DB.open(process.env.DATABASE_URL === undefined || process.env.DATABASE_URL === '' ? {} : { connection: process.env.DATABASE_URL });
const app = await buildApp({
  db,
  bcryptCost,
  profile: 'production',
  mail: { smtpUrl: `smtp://127.0.0.1:${await closedPort()}`, from: 'bench <bench@bench.example>' },
  // Every sign-up comes from 127.0.0.1: the per-address limit is off, or the later ones would be 429.
  security: { publicOrigin: 'https://auth.bench.example', rateLimits: { signUpsPerAddress: 0 } },
});
const base = await app.listen({ host: '127.0.0.1', port: 0 });

/** Milliseconds until one sign-up of `email` is answered; throws on anything but 200. */
async function signUp(email: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${base}/users`, { method: 'POST', body: new URLSearchParams({ email, password }) });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`sign-up of ${email}: ${response.status}`);
  return performance.now() - started;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const ratios: number[] = [];
try {
  const taken = `taken-${randomUUID()}@bench.example`;
  // The first sign-up makes the taken account, and warms the connection and bcrypt's thread pool.
  await signUp(taken);
  for (let round = 1; round <= ROUNDS; round++) {
    const fresh: number[] = [];
    const again: number[] = [];
    for (let i = 0; i < PER_ROUND; i++) {
      fresh.push(await signUp(`new-${randomUUID()}@bench.example`));
      again.push(await signUp(taken));
    }
    const ratio = median(again) / median(fresh);
    ratios.push(ratio);
    console.log(`round ${round}: new email ${median(fresh).toFixed(1)} ms, taken email ${median(again).toFixed(1)} ms (medians of ${PER_ROUND}) → ${ratio.toFixed(3)} (target ${LOW}–${HIGH})`);
  }
} finally {
  await app.close();
  await db.close();
}
const missed = ratios.filter((ratio) => ratio < LOW || ratio > HIGH);
console.log(`sign-up timing at cost ${bcryptCost}: taken/new ${ratios.map((ratio) => ratio.toFixed(3)).join(', ')} ${missed.length === 0 ? 'within' : 'OUTSIDE'} ${LOW}–${HIGH}`);
if (missed.length > 0) process.exitCode = 1;
