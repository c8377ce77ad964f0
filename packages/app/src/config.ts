import { fileURLToPath } from 'node:url';
import { HallpassError, redact, type DBOptions } from '@hallpass/db';

/** Everything the service reads from its environment, checked once at start-up. */
export interface Config {
  host: string;
  port: number;
  /** A PostgreSQL URL; when absent the embedded database is used. */
  databaseUrl: string | undefined;
  /** Where the embedded database keeps its files. */
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** bcrypt's work factor for new password hashes: each step up doubles the time a hash (and a guess) takes. */
  bcryptCost: number;
  /** `course` follows the contract to the letter; `production` (NODE_ENV=production) hardens it. */
  profile: 'course' | 'production';
}

/** One or more environment variables are wrong; the message lists every one of them. */
export class ConfigError extends HallpassError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super('ERR_CONFIG', `invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** The repository's gitignored `.data/` folder. */
export const defaultDataDir = fileURLToPath(new URL('../../../.data', import.meta.url));

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Builds the typed configuration from environment variables, reporting every bad one at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };

  const port = text('PORT') ?? '5000';
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) {
    problems.push(`PORT must be a whole number from 0 to 65535, got "${port}"`);
  }
  const databaseUrl = text('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const logLevel = text('LOG_LEVEL') ?? 'info';
  if (!(logLevels as readonly string[]).includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${logLevels.join(', ')}, got "${logLevel}"`);
  }

  const bcryptCost = text('BCRYPT_COST') ?? '12';
  if (!/^\d{1,2}$/.test(bcryptCost) || Number(bcryptCost) < 4 || Number(bcryptCost) > 31) {
    problems.push(`BCRYPT_COST must be a whole number from 4 to 31 (bcrypt's range), got "${bcryptCost}"`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    host: text('HOST') ?? '127.0.0.1',
    port: Number(port),
    databaseUrl,
    dataDir: text('HALLPASS_DATA_DIR') ?? defaultDataDir,
    logLevel: logLevel as Config['logLevel'],
    bcryptCost: Number(bcryptCost),
    profile: text('NODE_ENV') === 'production' ? 'production' : 'course',
  };
}

/** What `DB.open` needs: the PostgreSQL URL when there is one, the embedded database's folder otherwise. */
export function databaseOptions(config: Pick<Config, 'databaseUrl' | 'dataDir'>): DBOptions {
  return config.databaseUrl === undefined ? { dataDir: config.dataDir } : { connection: config.databaseUrl };
}

/** Which database the service uses, for the log: a URL's password is hidden. */
export function describeDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string {
  return config.databaseUrl === undefined ? `embedded (${config.dataDir})` : redact(config.databaseUrl);
}
