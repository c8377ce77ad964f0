// The bench's baseline for `GET /profile`: plain Fastify and `pg`, nothing else.
// It reads the `session_id` cookie by hand, hashes it (SHA-256, as the service
// stores tokens) and finds the session and its user in one query on the same
// tables, with a pool of the same size. It checks no expiry and writes nothing:
// the least a handler can do. It runs with plain `node` (no TypeScript loader),
// as the built service does, on PORT, and prints the address it listens on.
// `pnpm bench` starts and stops it.
//
//   DATABASE_URL=postgres://… node bench/baseline.mjs
import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';

const digest = (token) => createHash('sha256').update(token, 'utf8').digest('hex');
const query = 'select u.* from sessions s join users u on u.id = s.user_id where s.token_digest = $1 limit 1';
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const app = Fastify();

app.get('/profile', async (request, reply) => {
  const match = /(?:^|;\s*)session_id=([^;]*)/.exec(request.headers.cookie ?? '');
  if (!match) return reply.code(403).send({ message: 'Forbidden' });
  const { rows } = await pool.query(query, [digest(decodeURIComponent(match[1]))]);
  if (rows.length === 0) return reply.code(403).send({ message: 'Forbidden' });
  return { email: rows[0].email };
});

const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
console.log(`baseline listening at ${address}`);
process.once('SIGTERM', () => {
  app.close().then(() => pool.end()).then(() => process.exit(0));
});
