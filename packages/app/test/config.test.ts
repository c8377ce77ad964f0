import t from 'tap';
import { ConfigError, databaseOptions, defaultDataDir, describeDatabase, loadConfig } from '@hallpass/app';

t.test('defaults: 127.0.0.1:5000, the embedded database in the repository\'s .data folder', async (t) => {
  const config = loadConfig({});
  t.same(config, { host: '127.0.0.1', port: 5000, databaseUrl: undefined, dataDir: defaultDataDir, logLevel: 'info', bcryptCost: 12, profile: 'course' });
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
