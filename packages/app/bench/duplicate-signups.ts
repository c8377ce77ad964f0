/**
 * `pnpm --filter @hallpass/app bench:signups`: 30 sign-ups of one new email at
 * once, against one sign-up alone, at the service's bcrypt cost (12 unless
 * `BCRYPT_COST` says otherwise). Sign-ups of one address take turns and a
 * duplicate costs a look-up, not a hash of its own (issue 22, section 4), so
 * all 30 should be answered within 4 times one sign-up: one 200, 29 × 400.
 * Runs the service in this process on the embedded database, or on
 * `DATABASE_URL`'s PostgreSQL (each run in fresh email addresses); prints one
 * line per round and exits non-zero when the ratio misses its target.
 */
import { randomUUID } from 'node:crypto';
import { DB } from '@hallpass/db';
import { buildApp } from '../src/app.ts';

const CONCURRENT = 30;
const TARGET = 4;
const ROUNDS = 3;
const bcryptCost = Number(process.env.BCRYPT_COST ?? 12);

const db = await DB.open(process.env.DATABASE_URL === undefined || process.env.DATABASE_URL === '' ? {} : { connection: process.env.DATABASE_URL });
// Every sign-up comes from 127.0.0.1: the per-address sign-up limit is off, or it would answer 429 to the later rounds.
const app = await buildApp({ db, bcryptCost, security: { rateLimits: { signUpsPerAddress: 0 } } });
const base = await app.listen({ host: '127.0.0.1', port: 0 });

/** One sign-up over HTTP: its status, once the answer has arrived. */
async function signUp(email: string): Promise<number> {
  const response = await fetch(`${base}/users`, { method: 'POST', body: new URLSearchParams({ email, password: 'b4l0u' }) });
  await response.arrayBuffer();
  return response.status;
}

/** Milliseconds until every one of `emails` is answered, and the statuses. */
async function timed(emails: string[]): Promise<{ ms: number; statuses: number[] }> {
  const started = performance.now();
  const statuses = await Promise.all(emails.map(signUp));
  return { ms: performance.now() - started, statuses };
}

const ratios: number[] = [];
try {
  // A first sign-up warms the connection, the dummy paths and bcrypt's thread pool.
  await signUp(`warm-${randomUUID()}@bench.example`);
  for (let round = 1; round <= ROUNDS; round++) {
    const alone: number[] = [];
    for (let i = 0; i < 5; i++) alone.push((await timed([`alone-${randomUUID()}@bench.example`])).ms);
    const single = alone.sort((a, b) => a - b)[2]!;
    const email = `dup-${randomUUID()}@bench.example`;
    const burst = await timed(Array.from({ length: CONCURRENT }, (_, i) => (i % 2 === 0 ? email : email.toUpperCase())));
    const created = burst.statuses.filter((status) => status === 200).length;
    const refused = burst.statuses.filter((status) => status === 400).length;
    if (created !== 1 || refused !== CONCURRENT - 1) throw new Error(`round ${round}: expected one 200 and ${CONCURRENT - 1} × 400, got ${burst.statuses.join(' ')}`);
    const ratio = burst.ms / single;
    ratios.push(ratio);
    console.log(`round ${round}: one sign-up ${single.toFixed(0)} ms (median of 5); ${CONCURRENT} of one new email ${burst.ms.toFixed(0)} ms → ${ratio.toFixed(2)}× (target ≤ ${TARGET}×)`);
  }
} finally {
  await app.close();
  await db.close();
}
const worst = Math.max(...ratios);
console.log(`duplicate sign-ups at cost ${bcryptCost}: worst ${worst.toFixed(2)}× one sign-up ${worst <= TARGET ? 'within' : 'OVER'} the ${TARGET}× target`);
if (worst > TARGET) process.exitCode = 1;
