import { readFile } from 'node:fs/promises';
import t from 'tap';
import { ConfigError, databaseOptions, defaultDataDir, defaultRateLimits, describeDatabase, loadConfig, settings } from '@hallpass/app';

const defaultExpiry = { sessionIdleTimeout: 1800, sessionAbsoluteTimeout: 43_200, resetTokenLifetime: 900 };
const courseSecurity = { publicOrigin: undefined, redisUrl: undefined, rateLimits: defaultRateLimits, docs: true, expiry: defaultExpiry, passwordPolicy: 'basic' };
const securityDefaults = {
  publicOrigin: undefined,
  rateLimitLoginAccount: 10,
  rateLimitLoginAddress: 100,
  rateLimitResetAccount: 5,
  rateLimitSignupAddress: 100,
  apiDocs: undefined,
  passwordPolicy: undefined,
  ...defaultExpiry,
};

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
    DATABASE_URL: 'postgres://app@db/hallpass',
    HALLPASS_DATA_DIR: '/var/lib/hallpass',
    REDIS_URL: 'redis://cache:6379/0',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    BCRYPT_COST: '13',
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
    PASSWORD_POLICY: 'nist',
  });
  t.same(config, {
    host: '0.0.0.0',
    port: 8080,
    databaseUrl: 'postgres://app@db/hallpass',
    dataDir: '/var/lib/hallpass',
    redisUrl: 'redis://cache:6379/0',
    logLevel: 'warn',
    nodeEnv: 'production',
    bcryptCost: 13,
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
    profile: 'production',
    security: {
      ...courseSecurity,
      redisUrl: 'redis://cache:6379/0',
      docs: false,
      expiry: { sessionIdleTimeout: 600, sessionAbsoluteTimeout: 3600, resetTokenLifetime: 300 },
      passwordPolicy: 'nist',
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
    REDIS_URL: 'redis://cache:6379/1',
    RATE_LIMIT_LOGIN_ACCOUNT: '5',
    RATE_LIMIT_LOGIN_ADDRESS: '50',
    RATE_LIMIT_RESET_ACCOUNT: '0',
    RATE_LIMIT_SIGNUP_ADDRESS: '1000',
    NODE_ENV: 'production',
    API_DOCS: 'on',
  });
  t.same(config.security, {
    publicOrigin: 'https://auth.example.com',
    redisUrl: 'redis://cache:6379/1',
    rateLimits: { loginFailuresPerAccount: 5, loginFailuresPerAddress: 50, resetRequestsPerAccount: 0, signUpsPerAddress: 1000 },
    docs: true,
    expiry: defaultExpiry,
    passwordPolicy: 'nist',
  });
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
  t.equal(loadConfig({ NODE_ENV: 'production' }).security.passwordPolicy, 'nist');
  t.equal(loadConfig({ NODE_ENV: 'production', PASSWORD_POLICY: 'nist' }).security.passwordPolicy, 'nist');
  t.same(problemsOf({ NODE_ENV: 'production', PASSWORD_POLICY: 'basic' }), [
    'PASSWORD_POLICY=basic is refused in production: its passwords follow NIST SP 800-63B (PASSWORD_POLICY=nist)',
  ]);
  t.same(problemsOf({ PASSWORD_POLICY: 'strict' }), ['PASSWORD_POLICY must be one of basic, nist, got "strict"']);
});
