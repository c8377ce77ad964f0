import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import Type, { type TSchema } from 'typebox';
import Value from 'typebox/value';
import { DEFAULT_RESET_TOKEN_LIFETIME, DEFAULT_SESSION_ABSOLUTE_TIMEOUT, DEFAULT_SESSION_IDLE_TIMEOUT, passwordPolicies, type PasswordPolicy } from '@hallpass/auth';
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

/** Off when unset; the addresses of the proxies whose forwarding headers to believe (Fastify's `trustProxy`). */
function proxies(env: string, description: string): Setting<string | undefined> {
  const schema = Type.String({ minLength: 1, description });
  const expected = 'a comma-separated list of proxy addresses and CIDR ranges, such as 10.0.0.0/8 or loopback (also linklocal, uniquelocal)';
  return { env, schema, fallback: undefined, expected, description, parse: proxyList };
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

const ONE_DAY = 24 * 60 * 60;
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
  databaseUrl: url('DATABASE_URL', ['postgres', 'postgresql'], 'PostgreSQL server to use instead of the embedded database'),
  dataDir: text('HALLPASS_DATA_DIR', defaultDataDir, 'folder of the embedded database, used when `DATABASE_URL` is unset'),
  redisUrl: url('REDIS_URL', ['redis', 'rediss'], 'Redis server shared by several instances; `/readyz` checks it'),
  logLevel: oneOf('LOG_LEVEL', logLevels, 'info', 'pino log level'),
  logFormat: byProfile('LOG_FORMAT', ['pretty', 'json'], 'log lines for a person (`pretty`) or for a machine (`json`); unset: `pretty` when standard output is a terminal, `json` otherwise and always in production'),
  nodeEnv: oneOf('NODE_ENV', ['development', 'test', 'production'], 'development', '`production` selects the production profile'),
  bcryptCost: integer('BCRYPT_COST', 12, 4, 31, 'bcrypt work factor for new password hashes: each step doubles the time a hash (and a guess) takes'),
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
  rateLimitLoginAccount: integer('RATE_LIMIT_LOGIN_ACCOUNT', 10, 0, 999_999_999, 'failed logins (wrong current passwords at `PUT /password` included; failed reset-token uses counted apart) per account per 15 minutes; `0` turns the limit off'),
  rateLimitLoginAddress: integer('RATE_LIMIT_LOGIN_ADDRESS', 100, 0, 999_999_999, 'failed logins per client address per 15 minutes; `0` turns the limit off'),
  rateLimitResetAccount: integer('RATE_LIMIT_RESET_ACCOUNT', 5, 0, 999_999_999, 'reset-token requests per account per hour; `0` turns the limit off'),
  rateLimitSignupAddress: integer('RATE_LIMIT_SIGNUP_ADDRESS', 100, 0, 999_999_999, 'sign-ups per client address per 15 minutes; `0` turns the limit off'),
  apiDocs: onOff('API_DOCS', 'serve `/docs` and `/openapi.json`: on by default in the course profile, off in production'),
  // The password policy (task 30), in `Config.security.passwordPolicy`: the `Auth` option of the same name.
  passwordPolicy: byProfile('PASSWORD_POLICY', passwordPolicies, 'rule for new passwords: `basic` (1 to 72 bytes, the course\'s contract) by default in the course profile, `nist` (at least 15 characters, common ones refused) in production'),
  // Expiry (task 23), in seconds, gathered in `Config.security.expiry`: the `Auth` options of the same names.
  sessionIdleTimeout: integer('SESSION_IDLE_TIMEOUT_SECONDS', DEFAULT_SESSION_IDLE_TIMEOUT, 1, ONE_YEAR, 'a session unused for this long ends (at most `SESSION_ABSOLUTE_TIMEOUT_SECONDS`)'),
  sessionAbsoluteTimeout: integer('SESSION_ABSOLUTE_TIMEOUT_SECONDS', DEFAULT_SESSION_ABSOLUTE_TIMEOUT, 1, ONE_YEAR, 'a session ends this long after the login, however busy'),
  resetTokenLifetime: integer('RESET_TOKEN_LIFETIME_SECONDS', DEFAULT_RESET_TOKEN_LIFETIME, 1, ONE_DAY, 'a reset token is refused this long after it was issued'),
  // Reset by mail in the production profile (task 31), and the proxy in front of the service.
  smtpUrl: smtpServer('SMTP_URL', 'the mail server that delivers reset tokens in production; `smtps://` is TLS from the start, and a `smtp://` server off this machine must offer STARTTLS'),
  mailFrom: sender('MAIL_FROM', 'the sender of reset mails in production, e.g. `hallpass <no-reply@example.com>`'),
  trustProxy: proxies('TRUST_PROXY', 'addresses of the proxies in front of the service, whose `X-Forwarded-For`, `-Host` and `-Proto` are believed; off when unset'),
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
const productionRules: ReadonlyArray<(config: Config) => string | undefined> = [
  (c) => (c.bcryptCost < 10 ? `BCRYPT_COST (${c.bcryptCost}) must be at least 10 in production: each step less halves the work of guessing a stolen hash` : undefined),
  (c) => (c.smtpUrl === undefined ? 'SMTP_URL must be set in production: reset tokens are mailed, never returned in the answer' : undefined),
  (c) => (c.mailFrom === undefined ? 'MAIL_FROM must be set in production: the sender of reset mails' : undefined),
  (c) =>
    c.publicOrigin === undefined
      ? 'PUBLIC_ORIGIN must be set in production: reset mails link there, never to the host a request names'
      : c.publicOrigin.startsWith('https://')
        ? undefined
        : `PUBLIC_ORIGIN (${c.publicOrigin}) must be an https:// origin in production: the session cookie is Secure and reset links carry tokens`,
  (c) => {
    const host = c.databaseUrl === undefined ? undefined : remoteHostWithoutTls(c.databaseUrl);
    return host === undefined ? undefined : `DATABASE_URL must ask for TLS (sslmode=require, verify-ca or verify-full, or ssl=true) in production: ${host} is not on this machine`;
  },
  (c) => {
    // Rate-limit keys hold email addresses: a Redis on another machine is reached over TLS (rediss://).
    if (c.redisUrl === undefined || !c.redisUrl.startsWith('redis://')) return undefined;
    const host = new URL(c.redisUrl).hostname;
    return isLocalHost(host) ? undefined : `REDIS_URL must use rediss:// (TLS) in production: ${host} is not on this machine`;
  },
];

/**
 * Rules that tie settings together, each returning a problem or nothing. A
 * profile's stricter demands (e.g. what production refuses) belong here too.
 */
const rules: ReadonlyArray<(config: Config) => string | undefined> = [
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
  ...productionRules.map((rule) => (c: Config) => (c.profile === 'production' ? rule(c) : undefined)),
];

/** Whether a host is this machine: a loopback name or address, or a Unix socket's folder. */
export function isLocalHost(host: string): boolean {
  const bare = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return bare === '' || bare.startsWith('/') || bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** The host of a PostgreSQL URL when it is another machine reached without TLS; `undefined` when the URL is safe. */
function remoteHostWithoutTls(databaseUrl: string): string | undefined {
  // A URL too broken to read its host from cannot be shown to be safe.
  if (!URL.canParse(databaseUrl)) return redact(databaseUrl);
  const url = new URL(databaseUrl);
  // A `host` parameter (a socket folder, usually) wins over the URL's host, as in the pg driver.
  const host = decodeURIComponent(url.searchParams.get('host') ?? url.hostname);
  if (isLocalHost(host)) return undefined;
  const sslmode = url.searchParams.get('sslmode');
  const ssl = url.searchParams.get('ssl');
  const tls = sslmode === null ? ssl === 'true' || ssl === '1' : ['require', 'verify-ca', 'verify-full'].includes(sslmode);
  return tls ? undefined : host;
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
  const broken = rules.map((rule) => rule(config)).filter((problem) => problem !== undefined);
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
  /** Failed logins for one account per 15 minutes (`RATE_LIMIT_LOGIN_ACCOUNT`, 10). */
  loginFailuresPerAccount: number;
  /** Failed logins from one client address per 15 minutes (`RATE_LIMIT_LOGIN_ADDRESS`, 100). */
  loginFailuresPerAddress: number;
  /** Reset-token requests for one account per hour (`RATE_LIMIT_RESET_ACCOUNT`, 5). */
  resetRequestsPerAccount: number;
  /** Sign-ups from one client address per 15 minutes (`RATE_LIMIT_SIGNUP_ADDRESS`, 100). */
  signUpsPerAddress: number;
}

export const defaultRateLimits: Readonly<RateLimits> = {
  loginFailuresPerAccount: settings.rateLimitLoginAccount.fallback,
  loginFailuresPerAddress: settings.rateLimitLoginAddress.fallback,
  resetRequestsPerAccount: settings.rateLimitResetAccount.fallback,
  signUpsPerAddress: settings.rateLimitSignupAddress.fallback,
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
  /** The rule new passwords follow (`PASSWORD_POLICY`): `basic` in the course profile, `nist` in production. */
  passwordPolicy: PasswordPolicy;
}

/** Lifetimes in seconds, named as `Auth`'s options (task 23) so they can be handed over as they are. */
export interface Expiry {
  /** A session unused this long ends (`SESSION_IDLE_TIMEOUT_SECONDS`, 1800). */
  sessionIdleTimeout: number;
  /** A session ends this long after the login (`SESSION_ABSOLUTE_TIMEOUT_SECONDS`, 43200). */
  sessionAbsoluteTimeout: number;
  /** A reset token is refused this long after it was issued (`RESET_TOKEN_LIFETIME_SECONDS`, 900). */
  resetTokenLifetime: number;
}

type SecurityValues = Pick<
  { -readonly [K in keyof Settings]: ValueOf<Settings[K]> },
  | 'publicOrigin'
  | 'redisUrl'
  | 'rateLimitLoginAccount'
  | 'rateLimitLoginAddress'
  | 'rateLimitResetAccount'
  | 'rateLimitSignupAddress'
  | 'apiDocs'
  | 'sessionIdleTimeout'
  | 'sessionAbsoluteTimeout'
  | 'resetTokenLifetime'
  | 'passwordPolicy'
>;

function securityOf(values: SecurityValues, profile: Config['profile']): SecuritySettings {
  return {
    publicOrigin: values.publicOrigin,
    redisUrl: values.redisUrl,
    rateLimits: {
      loginFailuresPerAccount: values.rateLimitLoginAccount,
      loginFailuresPerAddress: values.rateLimitLoginAddress,
      resetRequestsPerAccount: values.rateLimitResetAccount,
      signUpsPerAddress: values.rateLimitSignupAddress,
    },
    docs: values.apiDocs === undefined ? profile !== 'production' : values.apiDocs === 'on',
    expiry: {
      sessionIdleTimeout: values.sessionIdleTimeout,
      sessionAbsoluteTimeout: values.sessionAbsoluteTimeout,
      resetTokenLifetime: values.resetTokenLifetime,
    },
    passwordPolicy: values.passwordPolicy ?? (profile === 'production' ? 'nist' : 'basic'),
  };
}
