// The bench's baseline for `GET /profile`: plain Fastify and `pg`, nothing else.
// It reads the `session_id` cookie by hand and runs the same query as the
// service, on the same table, with a pool of the same size. It runs with plain
// `node` (no TypeScript loader), as the built service does, on PORT, and prints
// the address it listens on. `pnpm bench` starts and stops it. SESSION_DIGEST=sha256
// when the service stores the SHA-256 digest of each session id, not the id.
//
//   DATABASE_URL=postgres://… SESSION_DIGEST=sha256 node bench/baseline.mjs
import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';

const digest = process.env.SESSION_DIGEST === 'sha256';
const stored = (sessionId) => (digest ? createHash('sha256').update(sessionId, 'utf8').digest('hex') : sessionId);
const query = 'select * from "users" where "session_id" = $1 order by "id" asc limit 1';
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const app = Fastify();

app.get('/profile', async (request, reply) => {
  const match = /(?:^|;\s*)session_id=([^;]*)/.exec(request.headers.cookie ?? '');
  if (!match) return reply.code(403).send({ message: 'Forbidden' });
  const { rows } = await pool.query(query, [stored(decodeURIComponent(match[1]))]);
  if (rows.length === 0) return reply.code(403).send({ message: 'Forbidden' });
  return { email: rows[0].email };
});

const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
console.log(`baseline listening at ${address}`);
process.once('SIGTERM', () => {
  app.close().then(() => pool.end()).then(() => process.exit(0));
});
