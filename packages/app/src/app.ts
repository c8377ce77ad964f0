import type { Server } from 'node:http';
import Fastify, { type FastifyHttpOptions, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { TaskNotDoneError, type DB } from '@hallpass/db';
import type { Expiry, RateLimits, SecuritySettings } from './config.ts';
import audit from './plugins/audit.ts';
import auth from './plugins/auth.ts';
import body from './plugins/body.ts';
import cookies from './plugins/cookies.ts';
import csrf from './plugins/csrf.ts';
import db from './plugins/db.ts';
import errors from './plugins/errors.ts';
import headers from './plugins/headers.ts';
import mail from './plugins/mail.ts';
import rateLimits from './plugins/rate-limits.ts';
import redis from './plugins/redis.ts';
import health from './plugins/health.ts';
import hosts from './plugins/hosts.ts';
import requestId, { requestIdGenerator } from './plugins/request-id.ts';
import swagger from './plugins/swagger.ts';
import password from './routes/password.ts';
import profile from './routes/profile.ts';
import resetPassword from './routes/reset-password.ts';
import root from './routes/root.ts';
import sessions from './routes/sessions.ts';
import tryPage from './routes/try.ts';
import users from './routes/users.ts';
import { loggerOptions, RequestLog } from './logging.ts';
import { ajvOptions, formatValidationErrors } from './validation.ts';

export interface AppOptions {
  /** The opened database; the caller owns it and closes it. */
  db: DB;
  /** Fastify's logger setting: `false` in tests, pino options in the server. Secrets are redacted either way. */
  logger?: FastifyServerOptions['logger'];
  /** bcrypt's work factor for new hashes; the library's default (12) when absent. Tests use 4 to stay fast. */
  bcryptCost?: number | undefined;
  /** bcrypt jobs that may wait at once before a request needing one is refused with 503 (`BCRYPT_MAX_QUEUE`); 16 per core when absent. */
  bcryptMaxQueue?: number | undefined;
  // Security track (tasks 26–29): each setting defaults to the course profile's.
  /** `production` (NODE_ENV=production): the `__Host-` `Secure` session cookie, HTTPS-only sub-requests, no /docs and NIST's password policy by default. */
  profile?: 'course' | 'production' | undefined;
  /** CSRF origin, rate limits, Redis (`redisUrl`: the rate-limit counts, which `/readyz` then checks), /docs, session and reset-token expiry, password policy: what `loadConfig` reads from the environment. Tests set only what they need. */
  security?:
    | (Partial<Omit<SecuritySettings, 'rateLimits' | 'expiry'>> & { rateLimits?: Partial<RateLimits>; expiry?: Partial<Expiry>; redisPrefix?: string })
    | undefined;
  /** Where the expiry checks (and the readiness cache) read the time; the system clock when absent. Tests pass a clock they move by hand. */
  clock?: (() => Date) | undefined;
  /** Fastify's server options (timeouts, the `http` server's settings), from `serverOptions(config)` in the server. */
  server?: FastifyHttpOptions<Server>;
  /** The mail server (`SMTP_URL`) and sender (`MAIL_FROM`) of the production profile's reset mails; their links use `security.publicOrigin`. */
  mail?: { smtpUrl?: string | undefined; from?: string | undefined } | undefined;
}

/** The largest request body accepted: the biggest legitimate one is well under 1 KiB. */
export const BODY_LIMIT = 16 * 1024;

/** Registers the service's plugins and routes on a Fastify instance. */
export async function app(instance: FastifyInstance, options: AppOptions): Promise<void> {
  // ---- Given: the infrastructure every route relies on (add further infrastructure plugins here) ----
  const security = options.security ?? {};
  instance.decorate('profile', options.profile ?? 'course');
  await instance.register(db, { db: options.db });
  // The password policy (task 30) follows the profile unless the settings say otherwise: NIST's rule in production.
  const passwordPolicy = security.passwordPolicy ?? (options.profile === 'production' ? 'nist' : 'basic');
  await instance.register(auth, { bcryptCost: options.bcryptCost, bcryptMaxQueue: options.bcryptMaxQueue, expiry: security.expiry, maxSessions: security.maxSessions, clock: options.clock, passwordPolicy });
  await instance.register(errors);
  await instance.register(requestId);
  // One Redis client (REDIS_URL) for the rate limits and /readyz; connected here, or the start fails.
  await instance.register(redis, { url: security.redisUrl });
  await instance.register(health, { clock: options.clock });
  await instance.register(body);
  // Security (tasks 26–29): headers and the CSRF check first, so a refused request costs nothing.
  await instance.register(headers, { profile: options.profile });
  // A request naming a host the service does not serve (DNS rebinding) is refused before the CSRF check, which trusts the host.
  await instance.register(hosts, { allowedHosts: security.allowedHosts });
  await instance.register(cookies, { profile: options.profile });
  await instance.register(csrf, { publicOrigin: security.publicOrigin });
  await instance.register(audit);
  await instance.register(rateLimits, { limits: security.rateLimits, redisPrefix: security.redisPrefix });
  await instance.register(swagger, { docs: security.docs ?? options.profile !== 'production' });
  await instance.register(tryPage, { profile: options.profile ?? 'course' });
  await instance.register(mail, { ...options.mail, publicOrigin: security.publicOrigin });
  // ---- end of the given infrastructure ----

  // #region task-06
  // The routes, one plugin per resource (src/routes/): after swagger, so the OpenAPI document lists them.
  await instance.register(root);
  await instance.register(users);
  await instance.register(sessions);
  await instance.register(profile);
  await instance.register(resetPassword);
  // #stub
  // instance.get('/', async () => {
  //   throw new TaskNotDoneError(6, 'register the route plugins of src/routes/ in `app` (src/app.ts), and declare `GET /` in src/routes/root.ts');
  // });
  // #endregion
  // Given: the security track's own route, `PUT /password` (task 30); until that task is done it answers 501.
  await instance.register(password);
}

/** A ready-to-use Fastify instance of the service: `inject()` it in tests, `listen()` it in the server. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const logger = loggerOptions(options.logger ?? false);
  const instance = Fastify({
    ...options.server,
    logger,
    // One line per request, when it has been answered (see logging.ts).
    ...(logger === false ? {} : { logController: new RequestLog() }),
    genReqId: requestIdGenerator(options.server?.trustProxy),
    bodyLimit: BODY_LIMIT,
    ajv: ajvOptions,
    schemaErrorFormatter: formatValidationErrors,
  });
  await app(instance, options);
  return instance;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** `course` (the contract to the letter) or `production` (NODE_ENV=production): what `buildApp` was given. */
    profile: 'course' | 'production';
  }
}
