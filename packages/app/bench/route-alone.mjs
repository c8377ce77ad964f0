// The bench's middle point for `GET /profile`: the service's own route, `DB`
// and `Auth` (the compiled code of `pnpm build`, configured from the
// environment as the service is) on a bare Fastify, with nothing else: no
// logger, no security headers, no request ids, no CSRF, audit or rate-limit
// hooks, no OpenAPI. Between the baseline (bench/baseline.mjs: `pg` and a
// hand-written handler) and the whole service, it splits the cost of a request
// into what the route itself pays (Objection and knex, the session checks, the
// cookie and response schema) and what the plugins around it add. `pnpm bench`
// starts and stops it; it listens on PORT and prints its address.
//
//   DATABASE_URL=postgres://… node --conditions=hallpass-dist bench/route-alone.mjs
import Fastify from 'fastify';
import { DB } from '@hallpass/db';
import { databaseOptions, loadConfig } from '../dist/config.js';
import auth from '../dist/plugins/auth.js';
import cookies from '../dist/plugins/cookies.js';
import db from '../dist/plugins/db.js';
import errors from '../dist/plugins/errors.js';
import profile from '../dist/routes/profile.js';

const config = loadConfig();
const database = await DB.open(databaseOptions(config));
const app = Fastify();
await app.register(db, { db: database });
await app.register(auth, { bcryptCost: config.bcryptCost, expiry: config.security.expiry });
await app.register(errors);
await app.register(cookies, { profile: config.profile });
await app.register(profile);

const address = await app.listen({ host: '127.0.0.1', port: config.port });
console.log(`route alone listening at ${address}`);
process.once('SIGTERM', () => {
  app.close().then(() => database.close()).then(() => process.exit(0));
});
