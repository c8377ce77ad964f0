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
  /** The security track's HTTP settings (tasks 26–29): see `SecuritySettings`. */
  security: SecuritySettings;
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

  const profile = text('NODE_ENV') === 'production' ? 'production' : 'course';
  const security = securitySettings(text, profile, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    host: text('HOST') ?? '127.0.0.1',
    port: Number(port),
    databaseUrl,
    dataDir: text('HALLPASS_DATA_DIR') ?? defaultDataDir,
    logLevel: logLevel as Config['logLevel'],
    bcryptCost: Number(bcryptCost),
    profile,
    security,
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

// --- Security-track settings (tasks 26–29, helper sechttp): CSRF origin, rate limits, Redis, /docs ---

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
  loginFailuresPerAccount: 10,
  loginFailuresPerAddress: 100,
  resetRequestsPerAccount: 5,
  signUpsPerAddress: 100,
};

const rateLimitVariables: Readonly<Record<keyof RateLimits, string>> = {
  loginFailuresPerAccount: 'RATE_LIMIT_LOGIN_ACCOUNT',
  loginFailuresPerAddress: 'RATE_LIMIT_LOGIN_ADDRESS',
  resetRequestsPerAccount: 'RATE_LIMIT_RESET_ACCOUNT',
  signUpsPerAddress: 'RATE_LIMIT_SIGNUP_ADDRESS',
};

export interface SecuritySettings {
  /** The address browsers reach the service at behind a proxy (`PUBLIC_ORIGIN`, e.g. `https://auth.example.com`); its own scheme and Host always count. */
  publicOrigin: string | undefined;
  /** Where rate-limit counters live when several instances must share them (`REDIS_URL`); in memory when absent. */
  redisUrl: string | undefined;
  rateLimits: RateLimits;
  /** Whether `/docs` and `/openapi.json` are served (`API_DOCS=on|off`): on in the course profile, off in production. */
  docs: boolean;
}

function securitySettings(text: (name: string) => string | undefined, profile: Config['profile'], problems: string[]): SecuritySettings {
  let publicOrigin = text('PUBLIC_ORIGIN');
  if (publicOrigin !== undefined) {
    const origin = originOf(publicOrigin);
    if (origin === undefined) problems.push(`PUBLIC_ORIGIN must be an http(s) origin such as https://auth.example.com, got "${publicOrigin}"`);
    publicOrigin = origin;
  }
  const redisUrl = text('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) problems.push('REDIS_URL must start with redis:// or rediss://');
  const rateLimits = { ...defaultRateLimits };
  for (const [key, name] of Object.entries(rateLimitVariables) as Array<[keyof RateLimits, string]>) {
    const value = text(name);
    if (value === undefined) continue;
    if (/^\d{1,9}$/.test(value)) rateLimits[key] = Number(value);
    else problems.push(`${name} must be a whole number (0 turns the limit off), got "${value}"`);
  }
  const docs = text('API_DOCS') ?? (profile === 'production' ? 'off' : 'on');
  if (docs !== 'on' && docs !== 'off') problems.push(`API_DOCS must be on or off, got "${docs}"`);
  return { publicOrigin, redisUrl, rateLimits, docs: docs === 'on' };
}

/** `https://auth.example.com` from `https://auth.example.com/`; `undefined` for anything that is not an http(s) origin. */
function originOf(value: string): string | undefined {
  try {
    const url = new URL(value);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === '') {
      return url.origin;
    }
  } catch {
    // not a URL at all
  }
  return undefined;
}
