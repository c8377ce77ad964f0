import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import Type, { type TSchema } from 'typebox';
import Value from 'typebox/value';
import { parse as parseConnectionString } from 'pg-connection-string';
import {
  DEFAULT_RESET_TOKEN_LIFETIME,
  DEFAULT_CONFIRMATION_TOKEN_LIFETIME,
  DEFAULT_SESSION_ABSOLUTE_TIMEOUT,
  DEFAULT_SESSION_IDLE_TIMEOUT,
  DEFAULT_MAX_SESSIONS,
  bcryptSlots,
  passwordPolicies,
  type PasswordPolicy,
} from '@hallpass/auth';
import { HallpassError, redact, type DBOptions } from '@hallpass/db';

/**
 * One environment variable: its name, the TypeBox schema a value must satisfy,
 * the default used when it is unset or blank, and the line the operations page
 * shows for it. `T` is the type the value has in `Config`.
 */
export interface Setting<T> {
  readonly env: string;
  readonly schema: TSchema;
  /** The value when the variable is unset or blank; `undefined` leaves the setting off. */
  readonly fallback: T;
  /** What a good value looks like, for the error that names a bad one. */
  readonly expected: string;
  /** One line for the operations page: what the setting changes. */
  readonly description: string;
  /** Holds credentials: shown only through `redact` (a URL's password and `password=` parameters hidden). */
  readonly secret?: boolean;
  /** Turns the variable's trimmed text into the value the schema checks. */
  readonly parse: (text: string) => unknown;
}

const asText = (text: string): unknown => text;
/** Digits only: `Number()` would take "1e3", " 7", "0x10" and `parseInt` "5.5" or "5 apples". */
const asInteger = (text: string): unknown => (/^\d+$/.test(text) ? Number(text) : text);

function integer(env: string, fallback: number, minimum: number, maximum: number, description: string): Setting<number> {
  const schema = Type.Integer({ minimum, maximum, description });
  return { env, schema, fallback, expected: `a whole number from ${minimum} to ${maximum}`, description, parse: asInteger };
}

function text(env: string, fallback: string, description: string): Setting<string> {
  return { env, schema: Type.String({ minLength: 1, description }), fallback, expected: 'a non-empty text', description, parse: asText };
}

function oneOf<const T extends string>(env: string, values: readonly T[], fallback: T, description: string): Setting<T> {
  const schema = Type.Union(values.map((value) => Type.Literal(value)), { description });
  return { env, schema, fallback, expected: `one of ${values.join(', ')}`, description, parse: asText };
}

/** An optional URL of the given schemes, e.g. `postgres` and `postgresql`: off when unset. */
function url(env: string, schemes: readonly string[], description: string): Setting<string | undefined> {
  const schema = Type.String({ pattern: `^(${schemes.join('|')})://[^\\s]+$`, description });
  const expected = `a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}`;
  return { env, schema, fallback: undefined, expected, description, secret: true, parse: asText };
}

/** An optional http(s) origin such as `https://auth.example.com` (a trailing `/` is dropped): off when unset. */
function origin(env: string, description: string): Setting<string | undefined> {
  const schema = Type.String({ pattern: '^https?://[^/\\s?#@]+$', description });
  return { env, schema, fallback: undefined, expected: 'an http(s) origin such as https://auth.example.com', description, parse: originOf };
}

/** `on` or `off`; unset leaves the choice to the profile. */
function onOff(env: string, description: string): Setting<'on' | 'off' | undefined> {
  const schema = Type.Union([Type.Literal('on'), Type.Literal('off')], { description });
  return { env, schema, fallback: undefined, expected: 'on or off', description, parse: asText };
}

/** One of `values`; unset leaves the choice to the profile. */
function byProfile<const T extends string>(env: string, values: readonly T[], description: string): Setting<T | undefined> {
  const schema = Type.Union(values.map((value) => Type.Literal(value)), { description });
  return { env, schema, fallback: undefined, expected: `one of ${values.join(', ')}`, description, parse: asText };
}

/** An optional `smtp://` or `smtps://` URL of a mail server: user info, host and port, nothing else (off when unset). */
function smtpServer(env: string, description: string): Setting<string | undefined> {
  const schema = Type.String({ pattern: '^smtps?://[^\\s/?#]+/?$', description });
  const expected = 'a URL such as smtps://user:password@mail.example.com:465 or smtp://mail.example.com:587, without a path or query';
  return { env, schema, fallback: undefined, expected, description, secret: true, parse: asUrl };
}

/** An optional sender for mails, `no-reply@example.com` or `hallpass <no-reply@example.com>` (off when unset). */
function sender(env: string, description: string): Setting<string | undefined> {
  const address = '[^\\s<>@",;]+@[^\\s<>@",;]+';
  // No line break or control character: a header value that ends a line could add headers of its own.
  const schema = Type.String({ pattern: `^(${address}|[^<>"\\x00-\\x1f\\x7f]*<${address}>)$`, description });
  return { env, schema, fallback: undefined, expected: 'an address such as no-reply@example.com or "hallpass <no-reply@example.com>"', description, parse: asText };
}

/**
 * Off when unset; the addresses of the proxies whose forwarding headers to believe
 * (Fastify's `trustProxy`), or `false` for `none`: no proxy, said on purpose.
 */
function proxies(env: string, description: string): Setting<string | false | undefined> {
  const schema = Type.Union([Type.String({ minLength: 1 }), Type.Literal(false)], { description });
  const expected = 'a comma-separated list of proxy addresses and CIDR ranges, such as 10.0.0.0/8 or loopback (also linklocal, uniquelocal), or none';
  return { env, schema, fallback: undefined, expected, description, parse: (text) => (text.toLowerCase() === 'none' ? false : proxyList(text)) };
}

/** A yes/no switch, off when unset: `1`, `true`, `yes` or `on` turn it on; `0`, `false`, `no` or `off` leave it off. */
function flag(env: string, description: string): Setting<boolean> {
  return { env, schema: Type.Boolean({ description }), fallback: false, expected: '1 (or true, yes, on) or 0 (or false, no, off)', description, parse: asFlag };
}

const asFlag = (text: string): unknown => {
  const word = text.toLowerCase();
  return ['1', 'true', 'yes', 'on'].includes(word) ? true : ['0', 'false', 'no', 'off'].includes(word) ? false : text;
};

/** Off when unset; host names (or IP addresses) a request's `Host` may name. */
function hostNames(env: string, description: string): Setting<string[] | undefined> {
  const schema = Type.Array(Type.String({ pattern: '^([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$|^\\[[0-9a-f:.]+\\]$' }), { minItems: 1, description });
  const expected = 'a comma-separated list of host names without a port, such as auth.example.com,www.example.com (an IPv6 address in brackets)';
  return { env, schema, fallback: undefined, expected, description, parse: (text) => text.split(',').map((entry) => entry.trim().toLowerCase()) };
}

/** The text when it parses as a URL (`smtp://user@` does not); otherwise nothing the schema accepts. */
const asUrl = (text: string): unknown => (URL.canParse(text) ? text : null);

/** `10.0.0.1, 10.1.0.0/16` as `10.0.0.1,10.1.0.0/16` when every entry is an address or a range; else nothing the schema accepts. */
function proxyList(text: string): unknown {
  const entries = text.split(',').map((entry) => entry.trim());
  return entries.every(isProxyAddress) ? entries.join(',') : null;
}

/** An IP address, a CIDR range, or one of the ranges proxy-addr names. */
function isProxyAddress(entry: string): boolean {
  if (entry === 'loopback' || entry === 'linklocal' || entry === 'uniquelocal') return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}

/** `https://auth.example.com` from `https://auth.example.com/`; anything that is not a bare http(s) origin is left as it is, for the schema to refuse. */
function originOf(text: string): unknown {
  try {
    const url = new URL(text);
    const bare = url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
    if ((url.protocol === 'http:' || url.protocol === 'https:') && bare) return url.origin;
  } catch {
    // not a URL at all
  }
  return text;
}

/** The repository's gitignored `.data/` folder. */
export const defaultDataDir = fileURLToPath(new URL('../../../.data', import.meta.url));

const ONE_HOUR = 60 * 60;
const ONE_DAY = 24 * ONE_HOUR;
const ONE_YEAR = 365 * ONE_DAY;

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Every setting the service reads, in the order the operations page lists them.
 * Adding one is this one entry (plus its row in docs/operations.md and the
 * README, which a test checks); `Config` and `loadConfig` follow from it.
 */
export const settings = {
  host: text('HOST', '127.0.0.1', 'address to listen on; `0.0.0.0` accepts other machines'),
  port: integer('PORT', 5000, 0, 65535, 'port to listen on (`0` picks a free one)'),
  allowRemote: flag('HALLPASS_ALLOW_REMOTE', 'the course profile may listen on a HOST other machines reach (it hands out reset tokens in its answers: anyone who reaches it can take over any account)'),
  databaseUrl: url('DATABASE_URL', ['postgres', 'postgresql'], 'PostgreSQL server to use instead of the embedded database'),
  dataDir: text('HALLPASS_DATA_DIR', defaultDataDir, 'folder of the embedded database, used when `DATABASE_URL` is unset'),
  redisUrl: url('REDIS_URL', ['redis', 'rediss'], 'Redis server shared by several instances; `/readyz` checks it'),
  logLevel: oneOf('LOG_LEVEL', logLevels, 'info', 'pino log level'),
  logFormat: byProfile('LOG_FORMAT', ['pretty', 'json'], 'log lines for a person (`pretty`) or for a machine (`json`); unset: `pretty` when standard output is a terminal, `json` otherwise and always in production'),
  nodeEnv: oneOf('NODE_ENV', ['development', 'test', 'production'], 'development', '`production` selects the production profile'),
  bcryptCost: integer('BCRYPT_COST', 12, 4, 31, 'bcrypt work factor for new password hashes: each step doubles the time a hash (and a guess) takes'),
  bcryptMaxQueue: integer('BCRYPT_MAX_QUEUE', bcryptSlots.maxWaiting, 0, 100_000, 'bcrypt jobs (hashes and password checks) that may wait for a core, 16 per core by default; a request that would be one more is answered 503 with `Retry-After`, before any hashing'),
  requestTimeoutMs: integer('HTTP_REQUEST_TIMEOUT_MS', 10_000, 1, 600_000, 'a request (headers and body) must arrive within this; a slower client is cut off with 408'),
  headersTimeoutMs: integer('HTTP_HEADERS_TIMEOUT_MS', 5_000, 1, 600_000, 'the request headers must arrive within this (at most `HTTP_REQUEST_TIMEOUT_MS`)'),
  keepAliveTimeoutMs: integer('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 1, 600_000, 'an idle kept-alive connection is closed after this; set it above a load balancer\'s idle timeout'),
  idleTimeoutMs: integer('HTTP_IDLE_TIMEOUT_MS', 30_000, 1, 600_000, 'a connection on which nothing moves for this long is closed'),
  maxConnections: integer('HTTP_MAX_CONNECTIONS', 1_000, 1, 1_000_000, 'open connections accepted at once; more are refused until some close'),
  shutdownTimeoutMs: integer('SHUTDOWN_TIMEOUT_MS', 10_000, 1, 600_000, 'on SIGTERM/SIGINT, requests in flight get this long to finish before the process exits with status 1'),
  dbQueryTimeoutMs: integer('DB_QUERY_TIMEOUT_MS', 5_000, 1, 600_000, 'a PostgreSQL query taking longer is cancelled and the request answered 503'),
  dbConnectTimeoutMs: integer('DB_CONNECT_TIMEOUT_MS', 5_000, 1, 600_000, 'time to get a database connection (connecting, or waiting for a free one in the pool)'),
  dbPoolMax: integer('DB_POOL_MAX', 10, 1, 1_000, 'PostgreSQL connections per instance (the embedded database always uses one)'),
  // The security track's HTTP settings (tasks 26–29), gathered in `Config.security` below.
  publicOrigin: origin('PUBLIC_ORIGIN', 'the origin browsers reach the service at behind a proxy (e.g. `https://auth.example.com`); the CSRF check accepts it besides the request\'s own'),
  rateLimitLoginAccountAddress: integer('RATE_LIMIT_LOGIN_ACCOUNT_ADDRESS', 10, 0, 999_999_999, 'failed logins for one account from one client address (an IPv6 client\'s /64) per 15 minutes (wrong current passwords at `PUT /password` included; failed reset-token uses counted apart, with the same limits); a success from that address clears them; `0` turns the limit off'),
  rateLimitLoginAccount: integer('RATE_LIMIT_LOGIN_ACCOUNT', 100, 0, 999_999_999, 'consecutive failed logins for one account from all addresses together, within 15 minutes: the ceiling for attacks spread over many addresses (NIST: at most 100); any success clears it; `0` turns the limit off'),
  rateLimitLoginAddress: integer('RATE_LIMIT_LOGIN_ADDRESS', 100, 0, 999_999_999, 'failed logins from one client address (an IPv6 client\'s /64) for all accounts together per 15 minutes; successes never clear it; `0` turns the limit off'),
  rateLimitResetAccount: integer('RATE_LIMIT_RESET_ACCOUNT', 5, 0, 999_999_999, 'reset-token requests for one account per hour; `0` turns the limit off'),
  rateLimitResetAddress: integer('RATE_LIMIT_RESET_ADDRESS', 50, 0, 999_999_999, 'reset-token requests from one client address (an IPv6 client\'s /64) per hour; `0` turns the limit off'),
  rateLimitSignupAddress: integer('RATE_LIMIT_SIGNUP_ADDRESS', 100, 0, 999_999_999, 'sign-ups from one client address (an IPv6 client\'s /64) per 15 minutes; `0` turns the limit off'),
  rateLimitMemoryKeys: integer('RATE_LIMIT_MEMORY_KEYS', 100_000, 1, 100_000_000, 'without `REDIS_URL`: the most counts kept in memory at once (about 300 bytes each); a request that needs a new one when all are in use is answered 503, never by forgetting a live count'),
  apiDocs: onOff('API_DOCS', 'serve `/docs` and `/openapi.json`: on by default in the course profile, off in production'),
  apiDocsInProduction: flag('API_DOCS_IN_PRODUCTION', 'production may serve `/docs` and `/openapi.json` (`API_DOCS=on`): the API is meant to be public'),
  // The password policy (task 30), in `Config.security.passwordPolicy`: the `Auth` option of the same name.
  passwordPolicy: byProfile('PASSWORD_POLICY', passwordPolicies, 'rule for new passwords: `basic` (1 to 72 bytes, the course\'s contract) by default in the course profile, `nist` (at least 15 characters, common ones refused) in production'),
  // Expiry (task 23), in seconds, gathered in `Config.security.expiry`: the `Auth` options of the same names.
  sessionIdleTimeout: integer('SESSION_IDLE_TIMEOUT_SECONDS', DEFAULT_SESSION_IDLE_TIMEOUT, 1, ONE_YEAR, 'a session unused for this long ends (at most `SESSION_ABSOLUTE_TIMEOUT_SECONDS`)'),
  sessionAbsoluteTimeout: integer('SESSION_ABSOLUTE_TIMEOUT_SECONDS', DEFAULT_SESSION_ABSOLUTE_TIMEOUT, 1, ONE_YEAR, 'a session ends this long after the login, however busy'),
  resetTokenLifetime: integer('RESET_TOKEN_LIFETIME_SECONDS', DEFAULT_RESET_TOKEN_LIFETIME, 1, ONE_DAY, 'a reset token is refused this long after it was issued'),
  // A session per device (task 32), in `Config.security.maxSessions`: the `Auth` option of that name.
  sessionsPerUser: integer('SESSIONS_PER_USER', DEFAULT_MAX_SESSIONS, 1, 10_000, 'live sessions one user may hold at once (one per login); a new login ends the oldest beyond it'),
  confirmationTokenLifetime: integer('CONFIRMATION_TOKEN_LIFETIME_SECONDS', DEFAULT_CONFIRMATION_TOKEN_LIFETIME, 1, 7 * ONE_DAY, 'production sign-ups: the mailed confirmation token is refused this long after sign-up, and the unconfirmed account is deleted at the next sign-up'),
  // Reset by mail in the production profile (task 31), and the proxy in front of the service.
  smtpUrl: smtpServer('SMTP_URL', 'the mail server that delivers reset tokens in production; `smtps://` is TLS from the start, and a `smtp://` server off this machine must offer STARTTLS'),
  mailFrom: sender('MAIL_FROM', 'the sender of reset mails in production, e.g. `hallpass <no-reply@example.com>`'),
  trustProxy: proxies('TRUST_PROXY', 'addresses of the proxies in front of the service, whose `X-Forwarded-For`, `-Host`, `-Proto` and `X-Request-Id` are believed; off when unset; `none`: no proxy, on purpose'),
  allowedHosts: hostNames('ALLOWED_HOSTS', 'the host names a request may name (its `Host`, or a trusted proxy\'s `X-Forwarded-Host`); others get 421. In production, PUBLIC_ORIGIN\'s host when unset'),
} satisfies Record<string, Setting<unknown>>;

type Settings = typeof settings;
type ValueOf<S> = S extends Setting<infer T> ? T : never;

/** Everything the service reads from its environment, checked once at start-up. */
export type Config = { -readonly [K in keyof Settings]: ValueOf<Settings[K]> } & {
  /** `course` follows the contract to the letter; `production` (NODE_ENV=production) hardens it. */
  profile: 'course' | 'production';
  /** The security track's HTTP settings (tasks 26–29), gathered from the flat settings above. */
  security: SecuritySettings;
};

/**
 * What the production profile refuses to start with (OWASP ASVS 5.0 V13,
 * configuration), each problem naming its setting.
 */
const productionRules: ReadonlyArray<Rule> = [
  (c) => (c.bcryptCost < 10 ? `BCRYPT_COST (${c.bcryptCost}) must be at least 10 in production: each step less halves the work of guessing a stolen hash` : undefined),
  (c) => (c.smtpUrl === undefined ? 'SMTP_URL must be set in production: reset tokens are mailed, never returned in the answer' : undefined),
  (c) => (c.mailFrom === undefined ? 'MAIL_FROM must be set in production: the sender of reset mails' : undefined),
  (c) =>
    c.publicOrigin === undefined
      ? 'PUBLIC_ORIGIN must be set in production: reset mails link there, never to the host a request names'
      : c.publicOrigin.startsWith('https://')
        ? undefined
        : `PUBLIC_ORIGIN (${c.publicOrigin}) must be an https:// origin in production: the session cookie is Secure and reset links carry tokens`,
  (c, env) => (c.databaseUrl === undefined ? undefined : databaseWithoutTls(c.databaseUrl, env)),
  (c) => {
    // Rate-limit keys hold email addresses: a Redis on another machine is reached over TLS (rediss://).
    if (c.redisUrl === undefined || !c.redisUrl.startsWith('redis://')) return undefined;
    const host = new URL(c.redisUrl).hostname;
    return isLocalHost(host) ? undefined : `REDIS_URL must use rediss:// (TLS) in production: ${host} is not on this machine`;
  },
  (c) =>
    c.trustProxy === undefined
      ? 'TRUST_PROXY must be set in production: the service speaks plain HTTP behind the proxy that serves PUBLIC_ORIGIN over https, and without it every client shares the proxy\'s address (one attacker\'s failed logins block everybody\'s); name the proxies (e.g. 10.0.0.0/8), or TRUST_PROXY=none if none adds X-Forwarded-For'
      : undefined,
  // A limit turned off, or a lifetime past what the standards allow, is a setting meant for tests.
  (c) => {
    const off = (Object.entries(settings) as Array<[keyof Settings, Setting<unknown>]>).filter(([key, setting]) => setting.env.startsWith('RATE_LIMIT_') && c[key] === 0);
    return off.length === 0 ? undefined : `${off.map(([, setting]) => `${setting.env}=0`).join(', ')} turns a rate limit off, which production refuses: without it passwords and reset tokens can be guessed at the speed of the network`;
  },
  (c) =>
    c.sessionAbsoluteTimeout > ONE_DAY
      ? `SESSION_ABSOLUTE_TIMEOUT_SECONDS (${c.sessionAbsoluteTimeout}) must be at most ${ONE_DAY} (a day) in production: a stolen session must not outlive it (NIST SP 800-63B asks for reauthentication at least every 24 hours)`
      : undefined,
  (c) =>
    c.resetTokenLifetime > ONE_HOUR
      ? `RESET_TOKEN_LIFETIME_SECONDS (${c.resetTokenLifetime}) must be at most ${ONE_HOUR} (an hour) in production: a reset link lying in a mailbox is a way into the account`
      : undefined,
  (c) =>
    c.apiDocs === 'on' && !c.apiDocsInProduction
      ? 'API_DOCS=on is refused in production unless API_DOCS_IN_PRODUCTION=1 says the API is meant to be public: /docs maps every route for whoever looks'
      : undefined,
];

/** A rule that ties settings together: a problem, or nothing. The environment is there for what the pg driver reads from it. */
type Rule = (config: Config, env: NodeJS.ProcessEnv) => string | undefined;

/**
 * Rules that tie settings together, each returning a problem or nothing. A
 * profile's stricter demands (e.g. what production refuses) belong here too.
 */
const rules: ReadonlyArray<Rule> = [
  (c) =>
    c.profile === 'course' && !c.allowRemote && !isLoopback(c.host)
      ? `HOST=${c.host} is refused in the course profile, which hands out reset tokens in its answers: anyone who can reach ${c.host} can take over any account. Listen on 127.0.0.1, or set HALLPASS_ALLOW_REMOTE=1 if only you can reach it (a container or a VM of your own)`
      : undefined,
  (c) =>
    c.headersTimeoutMs > c.requestTimeoutMs
      ? `HTTP_HEADERS_TIMEOUT_MS (${c.headersTimeoutMs}) must not exceed HTTP_REQUEST_TIMEOUT_MS (${c.requestTimeoutMs})`
      : undefined,
  (c) =>
    c.sessionIdleTimeout > c.sessionAbsoluteTimeout
      ? `SESSION_IDLE_TIMEOUT_SECONDS (${c.sessionIdleTimeout}) must not exceed SESSION_ABSOLUTE_TIMEOUT_SECONDS (${c.sessionAbsoluteTimeout})`
      : undefined,
  (c) =>
    c.profile === 'production' && c.logFormat === 'pretty'
      ? 'LOG_FORMAT=pretty is refused in production: its logs go to a collector, one JSON object a line'
      : undefined,
  (c) =>
    c.profile === 'production' && c.security.passwordPolicy !== 'nist'
      ? `PASSWORD_POLICY=${c.security.passwordPolicy} is refused in production: its passwords follow NIST SP 800-63B (PASSWORD_POLICY=nist)`
      : undefined,
  ...productionRules.map((rule): Rule => (c, env) => (c.profile === 'production' ? rule(c, env) : undefined)),
];

/** Whether `HOST` is a loopback address, which only this machine reaches. */
export function isLoopback(host: string): boolean {
  const bare = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return bare === 'localhost' || bare === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(bare);
}

/** Whether a host is this machine: a loopback name or address, or a Unix socket's folder. */
export function isLocalHost(host: string): boolean {
  const bare = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return bare === '' || bare.startsWith('/') || bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** The `sslmode` values that make the pg driver encrypt, and never fall back to plain text. */
const tlsModes = ['require', 'verify-ca', 'verify-full'];

/**
 * A problem when a PostgreSQL URL reaches another machine without TLS;
 * `undefined` when it is safe. The URL is read as the pg driver reads it
 * (`pg-connection-string`): of a repeated parameter the last counts, a `host`
 * parameter wins over the URL's host, and what the URL leaves out comes from
 * `PGHOST` and `PGSSLMODE`.
 */
function databaseWithoutTls(databaseUrl: string, env: NodeJS.ProcessEnv): string | undefined {
  const refused = (host: string) => `DATABASE_URL must ask for TLS (sslmode=require, verify-ca or verify-full, or ssl=true) in production: ${host} is not on this machine`;
  let parsed: ReturnType<typeof parseConnectionString>;
  try {
    parsed = parseConnectionString(databaseUrl);
  } catch (error) {
    // The driver reads the certificate files a URL names (sslrootcert=…) as it parses it.
    const { syscall, message } = error as NodeJS.ErrnoException;
    if (syscall !== undefined) return `DATABASE_URL names a file the pg driver cannot read: ${message}`;
    // A URL too broken to read its host from cannot be shown to be safe.
    return refused(redact(databaseUrl));
  }
  const host = parsed.host || env.PGHOST || 'localhost';
  if (isLocalHost(host)) return undefined;
  const sslmode = typeof parsed.sslmode === 'string' ? parsed.sslmode : parsed.ssl === undefined ? env.PGSSLMODE : undefined;
  // `ssl` is `true` or an object of TLS options when the driver encrypts; `false`, or text such as "false", when it does not.
  const encrypts = parsed.ssl === undefined ? sslmode !== undefined : parsed.ssl === true || typeof parsed.ssl === 'object';
  return encrypts && (sslmode === undefined || tlsModes.includes(sslmode)) ? undefined : refused(host);
}

/** One or more environment variables are wrong; the message lists every one of them. */
export class ConfigError extends HallpassError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super('ERR_CONFIG', `invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** Builds the typed configuration from environment variables, reporting every bad one at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(settings) as Array<[string, Setting<unknown>]>) {
    const raw = env[setting.env]?.trim();
    if (raw === undefined || raw === '') {
      values[key] = setting.fallback;
      continue;
    }
    const value = setting.parse(raw);
    if (Value.Check(setting.schema, value)) values[key] = value;
    else problems.push(`${setting.env} must be ${setting.expected}, got "${setting.secret === true ? redact(raw) : raw}"`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const profile = values.nodeEnv === 'production' ? 'production' : 'course';
  const config = { ...values, profile, security: securityOf(values as SecurityValues, profile) } as Config;
  const broken = rules.map((rule) => rule(config, env)).filter((problem) => problem !== undefined);
  if (broken.length > 0) throw new ConfigError(broken);
  return config;
}

/** What `DB.open` needs: the server or the embedded folder, and the pool's limits. */
export function databaseOptions(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'dbQueryTimeoutMs' | 'dbConnectTimeoutMs' | 'dbPoolMax'>): DBOptions {
  const limits = { queryTimeoutMs: config.dbQueryTimeoutMs, connectTimeoutMs: config.dbConnectTimeoutMs, poolMax: config.dbPoolMax };
  return config.databaseUrl === undefined ? { dataDir: config.dataDir, ...limits } : { connection: config.databaseUrl, ...limits };
}

/** Which database the service uses, for the log: a URL's password is hidden. */
export function describeDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string {
  return config.databaseUrl === undefined ? `embedded (${config.dataDir})` : redact(config.databaseUrl);
}

// --- The security track's HTTP settings (tasks 26–29): CSRF origin, rate limits, Redis, /docs ---

/** How many attempts each limit allows in its window; `0` turns a limit off. */
export interface RateLimits {
  /** Failed logins for one account from one client address per 15 minutes (`RATE_LIMIT_LOGIN_ACCOUNT_ADDRESS`, 10). */
  loginFailuresPerAccountAddress: number;
  /** Consecutive failed logins for one account from every address per 15 minutes (`RATE_LIMIT_LOGIN_ACCOUNT`, 100). */
  loginFailuresPerAccount: number;
  /** Failed logins from one client address per 15 minutes (`RATE_LIMIT_LOGIN_ADDRESS`, 100). */
  loginFailuresPerAddress: number;
  /** Reset-token requests for one account per hour (`RATE_LIMIT_RESET_ACCOUNT`, 5). */
  resetRequestsPerAccount: number;
  /** Reset-token requests from one client address per hour (`RATE_LIMIT_RESET_ADDRESS`, 50). */
  resetRequestsPerAddress: number;
  /** Sign-ups from one client address per 15 minutes (`RATE_LIMIT_SIGNUP_ADDRESS`, 100). */
  signUpsPerAddress: number;
  /** The most counts the in-memory counter holds at once (`RATE_LIMIT_MEMORY_KEYS`, 100 000); not a limit on attempts. */
  memoryKeys: number;
}

export const defaultRateLimits: Readonly<RateLimits> = {
  loginFailuresPerAccountAddress: settings.rateLimitLoginAccountAddress.fallback,
  loginFailuresPerAccount: settings.rateLimitLoginAccount.fallback,
  loginFailuresPerAddress: settings.rateLimitLoginAddress.fallback,
  resetRequestsPerAccount: settings.rateLimitResetAccount.fallback,
  resetRequestsPerAddress: settings.rateLimitResetAddress.fallback,
  signUpsPerAddress: settings.rateLimitSignupAddress.fallback,
  memoryKeys: settings.rateLimitMemoryKeys.fallback,
};

export interface SecuritySettings {
  /** The address browsers reach the service at behind a proxy (`PUBLIC_ORIGIN`); its own scheme and Host always count. */
  publicOrigin: string | undefined;
  /** Where rate-limit counters live when several instances must share them (`REDIS_URL`); in memory when absent. */
  redisUrl: string | undefined;
  rateLimits: RateLimits;
  /** Whether `/docs` and `/openapi.json` are served (`API_DOCS=on|off`): on in the course profile, off in production. */
  docs: boolean;
  /** How long sessions and reset tokens last. */
  expiry: Expiry;
  /** How many live sessions one user may hold at once (`SESSIONS_PER_USER`, 20): a new login ends the oldest beyond it. */
  maxSessions: number;
  /** The rule new passwords follow (`PASSWORD_POLICY`): `basic` in the course profile, `nist` in production. */
  passwordPolicy: PasswordPolicy;
  /**
   * The host names requests may name (`ALLOWED_HOSTS`; in production, `PUBLIC_ORIGIN`'s host when unset):
   * others are answered 421, so a name an attacker points at the service (DNS rebinding) reaches nothing.
   * Every host when absent.
   */
  allowedHosts: string[] | undefined;
}

/** Lifetimes in seconds, named as `Auth`'s options (task 23) so they can be handed over as they are. */
export interface Expiry {
  /** A session unused this long ends (`SESSION_IDLE_TIMEOUT_SECONDS`, 1800). */
  sessionIdleTimeout: number;
  /** A session ends this long after the login (`SESSION_ABSOLUTE_TIMEOUT_SECONDS`, 43200). */
  sessionAbsoluteTimeout: number;
  /** A reset token is refused this long after it was issued (`RESET_TOKEN_LIFETIME_SECONDS`, 900). */
  resetTokenLifetime: number;
  /** A sign-up's confirmation token is refused this long after it was issued, and its unconfirmed account deleted (`CONFIRMATION_TOKEN_LIFETIME_SECONDS`, 86400). */
  confirmationTokenLifetime: number;
}

type SecurityValues = Pick<
  { -readonly [K in keyof Settings]: ValueOf<Settings[K]> },
  | 'publicOrigin'
  | 'redisUrl'
  | 'rateLimitLoginAccountAddress'
  | 'rateLimitLoginAccount'
  | 'rateLimitLoginAddress'
  | 'rateLimitResetAccount'
  | 'rateLimitResetAddress'
  | 'rateLimitSignupAddress'
  | 'rateLimitMemoryKeys'
  | 'apiDocs'
  | 'sessionIdleTimeout'
  | 'sessionAbsoluteTimeout'
  | 'resetTokenLifetime'
  | 'sessionsPerUser'
  | 'confirmationTokenLifetime'
  | 'passwordPolicy'
  | 'allowedHosts'
>;

function securityOf(values: SecurityValues, profile: Config['profile']): SecuritySettings {
  return {
    publicOrigin: values.publicOrigin,
    redisUrl: values.redisUrl,
    rateLimits: {
      loginFailuresPerAccountAddress: values.rateLimitLoginAccountAddress,
      loginFailuresPerAccount: values.rateLimitLoginAccount,
      loginFailuresPerAddress: values.rateLimitLoginAddress,
      resetRequestsPerAccount: values.rateLimitResetAccount,
      resetRequestsPerAddress: values.rateLimitResetAddress,
      signUpsPerAddress: values.rateLimitSignupAddress,
      memoryKeys: values.rateLimitMemoryKeys,
    },
    docs: values.apiDocs === undefined ? profile !== 'production' : values.apiDocs === 'on',
    expiry: {
      sessionIdleTimeout: values.sessionIdleTimeout,
      sessionAbsoluteTimeout: values.sessionAbsoluteTimeout,
      resetTokenLifetime: values.resetTokenLifetime,
      confirmationTokenLifetime: values.confirmationTokenLifetime,
    },
    maxSessions: values.sessionsPerUser,
    passwordPolicy: values.passwordPolicy ?? (profile === 'production' ? 'nist' : 'basic'),
    allowedHosts: values.allowedHosts ?? (profile === 'production' && values.publicOrigin !== undefined ? [new URL(values.publicOrigin).hostname] : undefined),
  };
}
