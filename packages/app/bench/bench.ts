/**
 * `pnpm bench`: throughput of `GET /` and `POST /sessions`, each reported as a
 * ratio to a bare Fastify app answering the same request with a constant,
 * measured in the same run on the same machine. Ratios, not requests per
 * second, are what can be compared between machines.
 *
 *   pnpm bench [--duration 5] [--connections 10] [--bcrypt-cost 12]
 *
 * The service runs on an in-memory embedded database (or DATABASE_URL's server).
 * A login costs one bcrypt comparison at the stored hash's cost, which is the
 * point of bcrypt: expect POST /sessions to be far below the baseline at cost 12.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import { DB } from '@hallpass/db';
import { buildApp } from '../src/app.ts';

const { values } = parseArgs({
  // `pnpm bench -- --duration 3` passes the `--` along.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    'bcrypt-cost': { type: 'string', default: '12' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const bcryptCost = Number(values['bcrypt-cost']);

const credentials = { email: 'bench@example.com', password: 'b3nchm4rk' };

interface Target {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

const targets: Target[] = [
  { name: 'GET /', method: 'GET', path: '/' },
  { name: 'POST /sessions', method: 'POST', path: '/sessions', body: JSON.stringify(credentials) },
];

/** The same routes with nothing behind them: what Fastify alone costs on this machine. */
function bareFastify(): FastifyInstance {
  const app = Fastify();
  app.get('/', async () => ({ message: 'Bienvenue' }));
  app.post('/sessions', async (request) => ({ email: (request.body as { email: string }).email, message: 'logged in' }));
  return app;
}

async function requestsPerSecond(url: string, target: Target, seconds = duration): Promise<{ rps: number; non2xx: number }> {
  const result = await autocannon({
    url: `${url}${target.path}`,
    method: target.method,
    connections,
    duration: seconds,
    ...(target.body === undefined ? {} : { body: target.body, headers: { 'content-type': 'application/json' } }),
  });
  return { rps: result.requests.average, non2xx: result.non2xx + result.errors };
}

const db = await DB.open(process.env.DATABASE_URL ? { connection: process.env.DATABASE_URL } : {});
const service = await buildApp({ db, bcryptCost });
const bare = bareFastify();
try {
  const serviceUrl = await service.listen({ host: '127.0.0.1', port: 0 });
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
  // The account may exist from an earlier run on DATABASE_URL's server; either way it can log in.
  await service.auth.registerUser(credentials.email, credentials.password).catch(() => undefined);

  console.log(`hallpass bench: ${duration}s per run, ${connections} connections, bcrypt cost ${bcryptCost}, database ${db.backend}\n`);
  const rows: string[][] = [['route', 'bare Fastify req/s', 'hallpass req/s', 'ratio', 'non-2xx']];
  for (const target of targets) {
    // Warm both up (JIT, connection pools), then measure the baseline on both sides of the
    // service's run, so a machine that gets busier or quieter meanwhile skews the ratio less.
    await requestsPerSecond(bareUrl, target, 1);
    await requestsPerSecond(serviceUrl, target, 1);
    const before = await requestsPerSecond(bareUrl, target);
    const measured = await requestsPerSecond(serviceUrl, target);
    const after = await requestsPerSecond(bareUrl, target);
    const baseline = (before.rps + after.rps) / 2;
    const ratio = measured.rps / baseline;
    rows.push([target.name, baseline.toFixed(0), measured.rps.toFixed(1), ratio.toFixed(ratio < 0.01 ? 4 : 2), String(measured.non2xx)]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
  console.log('\nratio = hallpass req/s ÷ bare Fastify req/s for the same request (mean of runs just before and after).');
} finally {
  await service.close();
  await bare.close();
  await db.close();
}
