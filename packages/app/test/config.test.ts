import t from 'tap';
import { ConfigError, databaseOptions, defaultDataDir, defaultRateLimits, describeDatabase, loadConfig } from '@hallpass/app';

const courseSecurity = { publicOrigin: undefined, redisUrl: undefined, rateLimits: defaultRateLimits, docs: true };

t.test('defaults: 127.0.0.1:5000, the embedded database in the repository\'s .data folder', async (t) => {
  const config = loadConfig({});
  t.same(config, { host: '127.0.0.1', port: 5000, databaseUrl: undefined, dataDir: defaultDataDir, logLevel: 'info', bcryptCost: 12, profile: 'course', security: courseSecurity });
  t.match(defaultDataDir, /\.data$/);
});

t.test('the environment overrides every default', async (t) => {
  const config = loadConfig({
    HOST: '0.0.0.0',
    PORT: '8080',
    DATABASE_URL: 'postgres://app@db/hallpass',
    HALLPASS_DATA_DIR: '/var/lib/hallpass',
    LOG_LEVEL: 'warn',
    BCRYPT_COST: '13',
    NODE_ENV: 'production',
  });
  t.same(config, {
    host: '0.0.0.0',
    port: 8080,
    databaseUrl: 'postgres://app@db/hallpass',
    dataDir: '/var/lib/hallpass',
    logLevel: 'warn',
    bcryptCost: 13,
    profile: 'production',
    security: { ...courseSecurity, docs: false },
  });
  t.equal(loadConfig({ PORT: '  ', NODE_ENV: 'development' }).port, 5000, 'blank means unset');
});

t.test('every bad variable is reported at once', async (t) => {
  const error = (() => {
    try {
      loadConfig({ PORT: '70000', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', BCRYPT_COST: '3' });
    } catch (e) {
      return e;
    }
  })();
  t.ok(error instanceof ConfigError);
  t.match(error, { code: 'ERR_CONFIG' });
  t.same((error as ConfigError).problems, [
    'PORT must be a whole number from 0 to 65535, got "70000"',
    'DATABASE_URL must start with postgres:// or postgresql://',
    'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    'BCRYPT_COST must be a whole number from 4 to 31 (bcrypt\'s range), got "3"',
  ]);
  t.throws(() => loadConfig({ BCRYPT_COST: '32' }), { message: /BCRYPT_COST must be/ });
  t.throws(() => loadConfig({ BCRYPT_COST: 'twelve' }), { message: /BCRYPT_COST must be/ });
  t.throws(() => loadConfig({ PORT: 'abc' }), { message: /PORT must be a whole number/ });
});

t.test('the database: a PostgreSQL URL when given (its password never logged), the embedded one otherwise', async (t) => {
  const embedded = loadConfig({ HALLPASS_DATA_DIR: '/srv/hallpass' });
  t.same(databaseOptions(embedded), { dataDir: '/srv/hallpass' });
  t.equal(describeDatabase(embedded), 'embedded (/srv/hallpass)');
  const server = loadConfig({ DATABASE_URL: 'postgres://app:s3cret@db:5432/hallpass' });
  t.same(databaseOptions(server), { connection: 'postgres://app:s3cret@db:5432/hallpass' });
  t.equal(describeDatabase(server), 'postgres://app:***@db:5432/hallpass');
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
    'PUBLIC_ORIGIN must be an http(s) origin such as https://auth.example.com, got "https://auth.example.com/login"',
    'REDIS_URL must start with redis:// or rediss://',
    'RATE_LIMIT_LOGIN_ACCOUNT must be a whole number (0 turns the limit off), got "ten"',
    'API_DOCS must be on or off, got "yes"',
  ]);
  t.throws(() => loadConfig({ PUBLIC_ORIGIN: 'not a url' }), { message: /PUBLIC_ORIGIN must be/ });
  t.throws(() => loadConfig({ PUBLIC_ORIGIN: 'ftp://auth.example.com' }), { message: /PUBLIC_ORIGIN must be/ });
});
