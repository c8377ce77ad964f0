import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import t from 'tap';
import { ConfigError, databaseOptions, defaultDataDir, defaultRateLimits, describeDatabase, isLocalHost, loadConfig, settings } from '@hallpass/app';

const defaultExpiry = { sessionIdleTimeout: 1800, sessionAbsoluteTimeout: 43_200, resetTokenLifetime: 900, confirmationTokenLifetime: 86_400 };
const courseSecurity = { publicOrigin: undefined, redisUrl: undefined, rateLimits: defaultRateLimits, docs: true, expiry: defaultExpiry, maxSessions: 20, passwordPolicy: 'basic', allowedHosts: undefined };
const securityDefaults = {
  publicOrigin: undefined,
  rateLimitLoginAccountAddress: 10,
  rateLimitLoginAccount: 100,
  rateLimitLoginAddress: 100,
  rateLimitResetAccount: 5,
  rateLimitResetAddress: 50,
  rateLimitSignupAddress: 100,
  rateLimitMemoryKeys: 100_000,
  apiDocs: undefined,
  passwordPolicy: undefined,
  ...defaultExpiry,
  sessionsPerUser: 20,
  smtpUrl: undefined,
  mailFrom: undefined,
  trustProxy: undefined,
  allowRemote: false,
  apiDocsInProduction: false,
  allowedHosts: undefined,
};
/** What the production profile needs besides the defaults: mail, the public https origin its links use, and the proxy that serves it. */
const mailSettings = { SMTP_URL: 'smtps://hallpass:m41l-pw@mail.example.com', MAIL_FROM: 'hallpass <no-reply@example.com>', PUBLIC_ORIGIN: 'https://auth.example.com', TRUST_PROXY: '10.0.0.0/8' };

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

t.test('defaults: 127.0.0.1:5000, the embedded database in the repository\'s .data folder, timeouts on', async (t) => {
  t.same(loadConfig({}), {
    host: '127.0.0.1',
    port: 5000,
    databaseUrl: undefined,
    dataDir: defaultDataDir,
    redisUrl: undefined,
    logLevel: 'info',
    nodeEnv: 'development',
    bcryptCost: 12,
    bcryptMaxQueue: 16 * availableParallelism(),
    requestTimeoutMs: 10_000,
    headersTimeoutMs: 5_000,
    keepAliveTimeoutMs: 5_000,
    idleTimeoutMs: 30_000,
    maxConnections: 1_000,
    shutdownTimeoutMs: 10_000,
    dbQueryTimeoutMs: 5_000,
    dbConnectTimeoutMs: 5_000,
    dbPoolMax: 10,
    ...securityDefaults,
    profile: 'course',
    security: courseSecurity,
  });
  t.match(defaultDataDir, /\.data$/);
});

t.test('the environment overrides every default', async (t) => {
  const config = loadConfig({
    HOST: '0.0.0.0',
    PORT: '8080',
    DATABASE_URL: 'postgres://app@db/hallpass?sslmode=verify-full',
    HALLPASS_DATA_DIR: '/var/lib/hallpass',
    REDIS_URL: 'rediss://cache:6379/0',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    BCRYPT_COST: '13',
    BCRYPT_MAX_QUEUE: '0',
    HTTP_REQUEST_TIMEOUT_MS: '20000',
    HTTP_HEADERS_TIMEOUT_MS: '3000',
    HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000',
    HTTP_IDLE_TIMEOUT_MS: '9000',
    HTTP_MAX_CONNECTIONS: '50',
    SHUTDOWN_TIMEOUT_MS: '2000',
    DB_QUERY_TIMEOUT_MS: '700',
    DB_CONNECT_TIMEOUT_MS: '800',
    DB_POOL_MAX: '4',
    SESSION_IDLE_TIMEOUT_SECONDS: '600',
    SESSION_ABSOLUTE_TIMEOUT_SECONDS: '3600',
    RESET_TOKEN_LIFETIME_SECONDS: '300',
    CONFIRMATION_TOKEN_LIFETIME_SECONDS: '7200',
    PASSWORD_POLICY: 'nist',
    ...mailSettings,
    TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
  });
  t.same(config, {
    host: '0.0.0.0',
    port: 8080,
    databaseUrl: 'postgres://app@db/hallpass?sslmode=verify-full',
    dataDir: '/var/lib/hallpass',
    redisUrl: 'rediss://cache:6379/0',
    logLevel: 'warn',
    nodeEnv: 'production',
    bcryptCost: 13,
    bcryptMaxQueue: 0,
    requestTimeoutMs: 20_000,
    headersTimeoutMs: 3_000,
    keepAliveTimeoutMs: 65_000,
    idleTimeoutMs: 9_000,
    maxConnections: 50,
    shutdownTimeoutMs: 2_000,
    dbQueryTimeoutMs: 700,
    dbConnectTimeoutMs: 800,
    dbPoolMax: 4,
    ...securityDefaults,
    passwordPolicy: 'nist',
    sessionIdleTimeout: 600,
    sessionAbsoluteTimeout: 3600,
    resetTokenLifetime: 300,
    confirmationTokenLifetime: 7200,
    publicOrigin: 'https://auth.example.com',
    smtpUrl: 'smtps://hallpass:m41l-pw@mail.example.com',
    mailFrom: 'hallpass <no-reply@example.com>',
    trustProxy: '10.0.0.0/8,127.0.0.1',
    profile: 'production',
    security: {
      ...courseSecurity,
      publicOrigin: 'https://auth.example.com',
      redisUrl: 'rediss://cache:6379/0',
      docs: false,
      expiry: { sessionIdleTimeout: 600, sessionAbsoluteTimeout: 3600, resetTokenLifetime: 300, confirmationTokenLifetime: 7200 },
      passwordPolicy: 'nist',
      allowedHosts: ['auth.example.com'],
    },
  });
  t.equal(loadConfig({ PORT: '  ', NODE_ENV: 'test' }).port, 5000, 'blank means unset');
  t.equal(loadConfig({ NODE_ENV: 'test' }).profile, 'course', 'only production selects the production profile');
});

t.test('every bad variable is reported at once, by name, with what was expected', async (t) => {
  const error = (() => {
    try {
      loadConfig({ PORT: '70000', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', BCRYPT_COST: '3', NODE_ENV: 'prod' });
    } catch (e) {
      return e;
    }
  })();
  t.ok(error instanceof ConfigError);
  t.match(error, { code: 'ERR_CONFIG', message: /^invalid configuration:\n {2}- PORT/ });
  t.same((error as ConfigError).problems, [
    'PORT must be a whole number from 0 to 65535, got "70000"',
    'DATABASE_URL must be a URL starting with postgres:// or postgresql://, got "mysql://x"',
    'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    'NODE_ENV must be one of development, test, production, got "prod"',
    'BCRYPT_COST must be a whole number from 4 to 31, got "3"',
  ]);
  for (const [name, value] of [
    ['BCRYPT_COST', '32'],
    ['BCRYPT_COST', 'twelve'],
    ['PORT', 'abc'],
    ['PORT', '5.5'],
    ['PORT', '1e3'],
    ['PORT', '0x10'],
    ['HTTP_REQUEST_TIMEOUT_MS', '0'],
    ['DB_POOL_MAX', '-1'],
    ['REDIS_URL', 'localhost:6379'],
    ['SESSION_IDLE_TIMEOUT_SECONDS', '0'],
    ['SESSION_ABSOLUTE_TIMEOUT_SECONDS', '12h'],
    ['RESET_TOKEN_LIFETIME_SECONDS', '86401'],
    ['CONFIRMATION_TOKEN_LIFETIME_SECONDS', '604801'],
  ] as const) {
    t.match(problemsOf({ [name]: value }), [new RegExp(`^${name} must be`)], `${name}=${value} is refused`);
  }
});

t.test('a secret in a bad URL is not repeated in the error', async (t) => {
  t.same(problemsOf({ REDIS_URL: 'http://:hunter2@cache' }), ['REDIS_URL must be a URL starting with redis:// or rediss://, got "http://:***@cache/"']);
});

t.test('settings that must agree are checked together', async (t) => {
  t.same(problemsOf({ HTTP_REQUEST_TIMEOUT_MS: '2000', HTTP_HEADERS_TIMEOUT_MS: '3000' }), [
    'HTTP_HEADERS_TIMEOUT_MS (3000) must not exceed HTTP_REQUEST_TIMEOUT_MS (2000)',
  ]);
  t.same(problemsOf({ SESSION_IDLE_TIMEOUT_SECONDS: '7200', SESSION_ABSOLUTE_TIMEOUT_SECONDS: '3600' }), [
    'SESSION_IDLE_TIMEOUT_SECONDS (7200) must not exceed SESSION_ABSOLUTE_TIMEOUT_SECONDS (3600)',
  ]);
  t.same(problemsOf({ SESSION_IDLE_TIMEOUT_SECONDS: '3600', SESSION_ABSOLUTE_TIMEOUT_SECONDS: '3600' }), [], 'an idle limit equal to the absolute one is allowed');
});

t.test('the database: a PostgreSQL URL when given (its password never logged), the embedded one otherwise', async (t) => {
  const embedded = loadConfig({ HALLPASS_DATA_DIR: '/srv/hallpass', DB_QUERY_TIMEOUT_MS: '700' });
  t.same(databaseOptions(embedded), { dataDir: '/srv/hallpass', queryTimeoutMs: 700, connectTimeoutMs: 5_000, poolMax: 10 });
  t.equal(describeDatabase(embedded), 'embedded (/srv/hallpass)');
  const server = loadConfig({ DATABASE_URL: 'postgres://app:s3cret@db:5432/hallpass?password=other' });
  t.same(databaseOptions(server), { connection: 'postgres://app:s3cret@db:5432/hallpass?password=other', queryTimeoutMs: 5_000, connectTimeoutMs: 5_000, poolMax: 10 });
  t.equal(describeDatabase(server), 'postgres://app:***@db:5432/hallpass?password=***');
});

t.test('every setting has its row in docs/operations.md and in the README', async (t) => {
  for (const file of ['../../../docs/operations.md', '../../../README.md']) {
    const text = await readFile(new URL(file, import.meta.url), 'utf8');
    for (const setting of Object.values(settings)) {
      t.match(text, new RegExp(`^\\| \`${setting.env}\` \\|`, 'm'), `${file} has a row for ${setting.env}`);
    }
  }
});

t.test('security settings: the CSRF origin, Redis, the rate limits and /docs', async (t) => {
  const config = loadConfig({
    PUBLIC_ORIGIN: 'https://Auth.Example.com/',
    REDIS_URL: 'rediss://cache:6379/1',
    RATE_LIMIT_LOGIN_ACCOUNT_ADDRESS: '3',
    RATE_LIMIT_LOGIN_ACCOUNT: '5',
    RATE_LIMIT_LOGIN_ADDRESS: '50',
    RATE_LIMIT_RESET_ACCOUNT: '3',
    RATE_LIMIT_RESET_ADDRESS: '7',
    RATE_LIMIT_SIGNUP_ADDRESS: '1000',
    RATE_LIMIT_MEMORY_KEYS: '2000',
    NODE_ENV: 'production',
    API_DOCS: 'on',
    API_DOCS_IN_PRODUCTION: 'yes',
    SMTP_URL: mailSettings.SMTP_URL,
    MAIL_FROM: mailSettings.MAIL_FROM,
    TRUST_PROXY: 'none',
  });
  t.same(config.security, {
    publicOrigin: 'https://auth.example.com',
    redisUrl: 'rediss://cache:6379/1',
    rateLimits: {
      loginFailuresPerAccountAddress: 3, loginFailuresPerAccount: 5, loginFailuresPerAddress: 50,
      resetRequestsPerAccount: 3, resetRequestsPerAddress: 7, signUpsPerAddress: 1000, memoryKeys: 2000,
    },
    docs: true,
    expiry: defaultExpiry,
    maxSessions: 20,
    passwordPolicy: 'nist',
    allowedHosts: ['auth.example.com'],
  });
  t.equal(loadConfig({ RATE_LIMIT_RESET_ACCOUNT: '0' }).security.rateLimits.resetRequestsPerAccount, 0, 'the course profile may turn a limit off');
  t.equal(loadConfig({ API_DOCS: 'off' }).security.docs, false);
  const error = (() => {
    try {
      loadConfig({ PUBLIC_ORIGIN: 'https://auth.example.com/login', REDIS_URL: 'localhost:6379', RATE_LIMIT_LOGIN_ACCOUNT: 'ten', API_DOCS: 'yes' });
    } catch (e) {
      return e as ConfigError;
    }
  })();
  t.same(error?.problems, [
    'REDIS_URL must be a URL starting with redis:// or rediss://, got "localhost:6379"',
    'PUBLIC_ORIGIN must be an http(s) origin such as https://auth.example.com, got "https://auth.example.com/login"',
    'RATE_LIMIT_LOGIN_ACCOUNT must be a whole number from 0 to 999999999, got "ten"',
    'API_DOCS must be on or off, got "yes"',
  ]);
  t.throws(() => loadConfig({ PUBLIC_ORIGIN: 'not a url' }), { message: /PUBLIC_ORIGIN must be/ });
  t.throws(() => loadConfig({ PUBLIC_ORIGIN: 'ftp://auth.example.com' }), { message: /PUBLIC_ORIGIN must be/ });
});

t.test('the password policy: basic in the course profile, nist in production, which cannot turn it off', async (t) => {
  t.equal(loadConfig({}).security.passwordPolicy, 'basic');
  t.equal(loadConfig({ PASSWORD_POLICY: 'nist' }).security.passwordPolicy, 'nist', 'the course profile can try the production rule');
  t.equal(loadConfig({ NODE_ENV: 'production', ...mailSettings }).security.passwordPolicy, 'nist');
  t.equal(loadConfig({ NODE_ENV: 'production', ...mailSettings, PASSWORD_POLICY: 'nist' }).security.passwordPolicy, 'nist');
  t.same(problemsOf({ NODE_ENV: 'production', ...mailSettings, PASSWORD_POLICY: 'basic' }), [
    'PASSWORD_POLICY=basic is refused in production: its passwords follow NIST SP 800-63B (PASSWORD_POLICY=nist)',
  ]);
  t.same(problemsOf({ PASSWORD_POLICY: 'strict' }), ['PASSWORD_POLICY must be one of basic, nist, got "strict"']);
});

t.test('the log format: unset leaves it to the terminal; production refuses pretty', async (t) => {
  t.equal(loadConfig({}).logFormat, undefined);
  t.equal(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat, 'pretty');
  t.equal(loadConfig({ NODE_ENV: 'production', ...mailSettings, LOG_FORMAT: 'json' }).logFormat, 'json');
  t.same(problemsOf({ NODE_ENV: 'production', ...mailSettings, LOG_FORMAT: 'pretty' }), [
    'LOG_FORMAT=pretty is refused in production: its logs go to a collector, one JSON object a line',
  ]);
  t.same(problemsOf({ LOG_FORMAT: 'text' }), ['LOG_FORMAT must be one of pretty, json, got "text"']);
});

t.test('production refuses to start on unsafe settings, naming every one at once', async (t) => {
  const error = (() => {
    try {
      loadConfig({ NODE_ENV: 'production', BCRYPT_COST: '9', DATABASE_URL: 'postgres://app:s3cret@db.example.com:5432/hallpass' });
    } catch (e) {
      return e as ConfigError;
    }
  })();
  t.ok(error instanceof ConfigError, 'one ConfigError');
  t.same(error?.problems, [
    'BCRYPT_COST (9) must be at least 10 in production: each step less halves the work of guessing a stolen hash',
    'SMTP_URL must be set in production: reset tokens are mailed, never returned in the answer',
    'MAIL_FROM must be set in production: the sender of reset mails',
    'PUBLIC_ORIGIN must be set in production: reset mails link there, never to the host a request names',
    'DATABASE_URL must ask for TLS (sslmode=require, verify-ca or verify-full, or ssl=true) in production: db.example.com is not on this machine',
    'TRUST_PROXY must be set in production: the service speaks plain HTTP behind the proxy that serves PUBLIC_ORIGIN over https, and without it every client shares the proxy\'s address (one attacker\'s failed logins block everybody\'s); name the proxies (e.g. 10.0.0.0/8), or TRUST_PROXY=none if none adds X-Forwarded-For',
  ]);
  t.notMatch(error?.message, /s3cret/, 'the database password is not repeated');
  t.same(problemsOf({ NODE_ENV: 'production', ...mailSettings, PUBLIC_ORIGIN: 'http://auth.example.com' }), [
    'PUBLIC_ORIGIN (http://auth.example.com) must be an https:// origin in production: the session cookie is Secure and reset links carry tokens',
  ]);
  t.same(problemsOf({ NODE_ENV: 'production', ...mailSettings, BCRYPT_COST: '10' }), [], 'cost 10, mail and an https origin: accepted');
  t.same(problemsOf({ BCRYPT_COST: '4', DATABASE_URL: 'postgres://app@db.example.com/hallpass' }), [], 'the course profile demands none of it');
  t.same(problemsOf({ NODE_ENV: 'test', BCRYPT_COST: '4' }), [], 'nor does NODE_ENV=test');
});

t.test('production: a database off this machine must be reached over TLS', async (t) => {
  const problems = (url: string) => problemsOf({ NODE_ENV: 'production', ...mailSettings, DATABASE_URL: url });
  for (const url of [
    'postgres://app@db.example.com/hallpass?sslmode=require',
    'postgres://app@db.example.com/hallpass?sslmode=verify-ca',
    'postgresql://app@db.example.com/hallpass?sslmode=verify-full',
    'postgres://app@db.example.com/hallpass?ssl=true',
    'postgres://app@db.example.com/hallpass?ssl=1',
    'postgres://app@localhost/hallpass',
    'postgres://app@127.0.0.1:5433/hallpass',
    'postgres://app@127.1.2.3/hallpass',
    'postgres://app@[::1]/hallpass',
    'postgres://app@LOCALHOST/hallpass',
    'postgres:///hallpass?host=/var/run/postgresql',
    'postgres://%2Fvar%2Frun%2Fpostgresql/hallpass',
  ]) {
    t.same(problems(url), [], `${url}: accepted`);
  }
  for (const [url, host] of [
    ['postgres://app@db.example.com/hallpass', 'db.example.com'],
    ['postgres://app@db.example.com/hallpass?sslmode=prefer', 'db.example.com'],
    ['postgres://app@db.example.com/hallpass?sslmode=no-verify', 'db.example.com'],
    ['postgres://app@db.example.com/hallpass?sslmode=disable&ssl=true', 'db.example.com'],
    ['postgres://app@db.example.com/hallpass?ssl=false', 'db.example.com'],
    ['postgres://app@10.0.0.5/hallpass', '10.0.0.5'],
    ['postgres://app@[2001:db8::1]/hallpass', '2001:db8::1'],
    ['postgres://app@localhost/hallpass?host=db.example.com', 'db.example.com'],
    ['postgres://app:s3cret@', 'postgres://***'],
    // Read as the pg driver reads it: the last of a repeated parameter counts, and a host in the query wins.
    ['postgres://app@db.example.com/hallpass?sslmode=require&sslmode=disable', 'db.example.com'],
    ['postgres://app@db.example.com/hallpass?sslmode=require&sslmode=prefer', 'db.example.com'],
    ['postgres://app@localhost/hallpass?host=/tmp&host=db.remote', 'db.remote'],
    ['postgres://app@db.example.com/hallpass?ssl=true&ssl=0', 'db.example.com'],
  ] as const) {
    t.match(problems(url), [new RegExp(`^DATABASE_URL must ask for TLS .*: ${host.replace(/[.[\]*]/g, '\\$&')} is not on this machine$`)], `${url}: refused`);
  }
  t.same(problems('postgres://app@db.example.com/hallpass?sslmode=disable&sslmode=verify-full'), [], 'the last sslmode counts, also when it is the safe one');
  t.same(problems('postgres://app@db.example.com/hallpass?host=db.remote&host=/var/run/postgresql'), [], 'the last host counts, also when it is a socket');
});

t.test('production: what the pg driver takes from the environment, and the files it reads, count too', async (t) => {
  const problems = (url: string, env: NodeJS.ProcessEnv = {}) => problemsOf({ NODE_ENV: 'production', ...mailSettings, DATABASE_URL: url, ...env });
  t.match(problems('postgres://app@/hallpass', { PGHOST: 'db.example.com' }), [/: db\.example\.com is not on this machine$/], 'a URL without a host: PGHOST');
  t.same(problems('postgres://app@/hallpass'), [], 'a URL without a host, and no PGHOST: localhost');
  t.same(problems('postgres://app@db.example.com/hallpass', { PGSSLMODE: 'verify-full' }), [], 'a URL that says nothing of TLS: PGSSLMODE');
  t.match(problems('postgres://app@db.example.com/hallpass', { PGSSLMODE: 'prefer' }), [/: db\.example\.com is not on this machine$/], 'PGSSLMODE=prefer may fall back to plain text');
  t.match(problems('postgres://app@db.example.com/hallpass?sslmode=disable', { PGSSLMODE: 'require' }), [/is not on this machine$/], 'the URL wins over PGSSLMODE');
  t.same(problems('postgres://app@db.example.com/hallpass?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem'), [
    "DATABASE_URL names a file the pg driver cannot read: ENOENT: no such file or directory, open '/nonexistent/ca.pem'",
  ]);
});

t.test('production: a Redis server off this machine must be reached over TLS', async (t) => {
  const problems = (url: string) => problemsOf({ NODE_ENV: 'production', ...mailSettings, REDIS_URL: url });
  for (const url of ['rediss://cache.example.com:6380', 'redis://127.0.0.1:6379', 'redis://localhost/0', 'redis://[::1]:6379']) {
    t.same(problems(url), [], `${url}: accepted`);
  }
  t.same(problems('redis://:s3cret@cache.example.com:6379/0'), ['REDIS_URL must use rediss:// (TLS) in production: cache.example.com is not on this machine'], 'a plain redis:// to another machine is refused, without its password');
  t.same(problemsOf({ REDIS_URL: 'redis://cache.example.com:6379' }), [], 'the course profile does not demand it');
});

t.test('isLocalHost: loopback names and addresses, and Unix sockets', async (t) => {
  for (const host of ['', 'localhost', '127.0.0.1', '127.255.0.9', '::1', '[::1]', '/tmp/socket']) t.ok(isLocalHost(host), `${host} is local`);
  for (const host of ['db', 'localhost.example.com', '128.0.0.1', '127.0.0.1.example.com', '::2', '10.0.0.1']) t.notOk(isLocalHost(host), `${host} is not`);
});

t.test('mail settings: an SMTP URL with a host and nothing after it, a sender address without line breaks', async (t) => {
  for (const value of ['smtp://mail.example.com', 'smtps://user:p%40ss@mail.example.com:465', 'smtp://127.0.0.1:2525/', 'smtp://[::1]:25']) {
    t.equal(loadConfig({ SMTP_URL: value }).smtpUrl, value, `SMTP_URL=${value}`);
  }
  for (const value of ['mail.example.com', 'http://mail.example.com', 'smtp://mail.example.com/path', 'smtp://mail.example.com?tls=off', 'smtp://user@', 'smtp://a b']) {
    t.match(problemsOf({ SMTP_URL: value }), [/^SMTP_URL must be a URL such as smtps:\/\/user:password@mail\.example\.com:465/], `SMTP_URL=${value} is refused`);
  }
  t.same(problemsOf({ SMTP_URL: 'smtp://user:hunter2@mail.example.com/x' }), [
    'SMTP_URL must be a URL such as smtps://user:password@mail.example.com:465 or smtp://mail.example.com:587, without a path or query, got "smtp://user:***@mail.example.com/x"',
  ], 'its password is not repeated');
  for (const value of ['no-reply@example.com', 'hallpass <no-reply@example.com>', 'Hall Pass, the service <a.b+c@mail.example.com>', '<no-reply@example.com>']) {
    t.equal(loadConfig({ MAIL_FROM: value }).mailFrom, value, `MAIL_FROM=${value}`);
  }
  for (const value of ['no-reply', 'a@b@c', 'hallpass no-reply@example.com', 'x <no-reply@example.com>\r\nBcc: all@example.com', 'a@b.c, d@e.f', '"quoted" <a@b.c>']) {
    t.match(problemsOf({ MAIL_FROM: value }), [/^MAIL_FROM must be an address such as no-reply@example\.com/], `MAIL_FROM=${JSON.stringify(value)} is refused`);
  }
});

t.test('TRUST_PROXY: off by default; addresses, CIDR ranges and named ranges', async (t) => {
  t.equal(loadConfig({}).trustProxy, undefined);
  for (const [value, parsed] of [
    ['127.0.0.1', '127.0.0.1'],
    ['10.0.0.0/8, 192.168.1.7', '10.0.0.0/8,192.168.1.7'],
    ['loopback,linklocal,uniquelocal', 'loopback,linklocal,uniquelocal'],
    ['fd00::/8,::1', 'fd00::/8,::1'],
    ['10.0.0.0/32,::/128', '10.0.0.0/32,::/128'],
  ] as const) {
    t.equal(loadConfig({ TRUST_PROXY: value }).trustProxy, parsed, `TRUST_PROXY=${value}`);
  }
  for (const value of ['true', '1', 'proxy.example.com', '10.0.0.0/33', '::/129', '10.0.0.0/8/1', '10.0.0.0/x', '10.0.0.1,,10.0.0.2']) {
    t.match(problemsOf({ TRUST_PROXY: value }), [/^TRUST_PROXY must be a comma-separated list of proxy addresses and CIDR ranges/], `TRUST_PROXY=${value} is refused`);
  }
});

t.test('the course profile listens only on loopback unless HALLPASS_ALLOW_REMOTE says otherwise', async (t) => {
  for (const host of ['127.0.0.1', '127.0.1.1', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) t.same(problemsOf({ HOST: host }), [], `HOST=${host}`);
  for (const host of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.5', 'fe80::1', 'myhost.local']) {
    t.same(problemsOf({ HOST: host }), [
      `HOST=${host} is refused in the course profile, which hands out reset tokens in its answers: anyone who can reach ${host} can take over any account. Listen on 127.0.0.1, or set HALLPASS_ALLOW_REMOTE=1 if only you can reach it (a container or a VM of your own)`,
    ], `HOST=${host} is refused`);
  }
  for (const value of ['1', 'true', 'YES', 'on']) t.equal(loadConfig({ HOST: '0.0.0.0', HALLPASS_ALLOW_REMOTE: value }).host, '0.0.0.0', `HALLPASS_ALLOW_REMOTE=${value} allows it`);
  t.match(problemsOf({ HOST: '0.0.0.0', HALLPASS_ALLOW_REMOTE: '0' }), [/^HOST=0\.0\.0\.0 is refused/], 'HALLPASS_ALLOW_REMOTE=0 does not');
  t.same(problemsOf({ HALLPASS_ALLOW_REMOTE: 'sure' }), ['HALLPASS_ALLOW_REMOTE must be 1 (or true, yes, on) or 0 (or false, no, off), got "sure"']);
  t.same(problemsOf({ HOST: '0.0.0.0', NODE_ENV: 'production', ...mailSettings }), [], 'production gives no token away: any HOST');
});

t.test('production refuses limits turned off, long lifetimes, and /docs unless meant', async (t) => {
  const problems = (env: NodeJS.ProcessEnv) => problemsOf({ NODE_ENV: 'production', ...mailSettings, ...env });
  t.same(problems({ RATE_LIMIT_LOGIN_ACCOUNT: '0', RATE_LIMIT_SIGNUP_ADDRESS: '0' }), [
    'RATE_LIMIT_LOGIN_ACCOUNT=0, RATE_LIMIT_SIGNUP_ADDRESS=0 turns a rate limit off, which production refuses: without it passwords and reset tokens can be guessed at the speed of the network',
  ]);
  for (const name of ['RATE_LIMIT_LOGIN_ADDRESS', 'RATE_LIMIT_RESET_ACCOUNT']) t.match(problems({ [name]: '0' }), [new RegExp(`^${name}=0 turns a rate limit off`)], `${name}=0`);
  t.same(problems({ SESSION_IDLE_TIMEOUT_SECONDS: '3600', SESSION_ABSOLUTE_TIMEOUT_SECONDS: '86400', RESET_TOKEN_LIFETIME_SECONDS: '3600' }), [], 'a day and an hour: the most allowed');
  t.same(problems({ SESSION_ABSOLUTE_TIMEOUT_SECONDS: '86401', RESET_TOKEN_LIFETIME_SECONDS: '3601' }), [
    'SESSION_ABSOLUTE_TIMEOUT_SECONDS (86401) must be at most 86400 (a day) in production: a stolen session must not outlive it (NIST SP 800-63B asks for reauthentication at least every 24 hours)',
    'RESET_TOKEN_LIFETIME_SECONDS (3601) must be at most 3600 (an hour) in production: a reset link lying in a mailbox is a way into the account',
  ]);
  t.same(problems({ API_DOCS: 'on' }), [
    'API_DOCS=on is refused in production unless API_DOCS_IN_PRODUCTION=1 says the API is meant to be public: /docs maps every route for whoever looks',
  ]);
  t.equal(loadConfig({ NODE_ENV: 'production', ...mailSettings, API_DOCS: 'on', API_DOCS_IN_PRODUCTION: '1' }).security.docs, true, 'both settings: served');
  t.same(problemsOf({ RATE_LIMIT_LOGIN_ACCOUNT: '0', SESSION_ABSOLUTE_TIMEOUT_SECONDS: '604800', SESSION_IDLE_TIMEOUT_SECONDS: '86400', RESET_TOKEN_LIFETIME_SECONDS: '86400' }), [], 'the course profile allows all of it');
});

t.test('TRUST_PROXY: production wants it, and `none` says there is no proxy on purpose', async (t) => {
  t.equal(loadConfig({ TRUST_PROXY: 'none' }).trustProxy, false);
  t.equal(loadConfig({ TRUST_PROXY: 'None' }).trustProxy, false);
  t.same(problemsOf({ NODE_ENV: 'production', ...mailSettings, TRUST_PROXY: 'none' }), []);
  t.match(problemsOf({ NODE_ENV: 'production', ...mailSettings, TRUST_PROXY: '' }), [/^TRUST_PROXY must be set in production/]);
});

t.test('ALLOWED_HOSTS: host names, in lower case; PUBLIC_ORIGIN\'s host in production when unset', async (t) => {
  t.same(loadConfig({ ALLOWED_HOSTS: 'Auth.Example.com, www.example.com,[::1],10.0.0.5' }).security.allowedHosts, ['auth.example.com', 'www.example.com', '[::1]', '10.0.0.5']);
  t.equal(loadConfig({}).security.allowedHosts, undefined, 'the course profile: every host');
  t.same(loadConfig({ NODE_ENV: 'production', ...mailSettings }).security.allowedHosts, ['auth.example.com']);
  t.same(loadConfig({ NODE_ENV: 'production', ...mailSettings, ALLOWED_HOSTS: 'auth.example.com,login.example.com' }).security.allowedHosts, ['auth.example.com', 'login.example.com']);
  for (const value of ['auth.example.com:443', 'https://auth.example.com', 'a b', 'auth.example.com,,x', '-bad.example', '*.example.com']) {
    t.match(problemsOf({ ALLOWED_HOSTS: value }), [/^ALLOWED_HOSTS must be a comma-separated list of host names/], `ALLOWED_HOSTS=${value} is refused`);
  }
});
