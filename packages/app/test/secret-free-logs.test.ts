/**
 * No secret in any log: a query that fails during a sign-up, a login, a session
 * look-up or a reset — by a constraint, a statement timeout or a killed
 * connection — leaves the whole log, at `debug`, without the password, the
 * bcrypt hash, the token or its digest, and names the failure by its SQLSTATE.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import t, { type Test } from 'tap';
import { buildApp } from '@hallpass/app';
import { hashToken } from '@hallpass/auth';
import { DB } from '@hallpass/db';
import { isolatedTarget, testDB } from '@hallpass/db/testing';
import { send } from './fixtures/app.ts';
import { logCapture, type LogLine } from './fixtures/log.ts';

const password = 'Old-s3cret-pw';
const newPassword = 'New-s3cret-pw';
/** A session look-up writes its time of use only when the last one is older than a minute: the clock moves by five. */
const FIVE_MINUTES = 5 * 60_000;

/** What a flow knows before the fault: the secrets it has seen, and what the failing request needs. */
interface Prepared {
  secrets: string[];
  sessionId?: string;
  resetToken?: string;
}

interface Flow {
  name: string;
  /** What happens before the fault: the account, a session, a reset token. */
  prepare(app: FastifyInstance, db: DB, email: string): Promise<Prepared>;
  /** The request that meets the fault. */
  act(app: FastifyInstance, email: string, prepared: Prepared): Promise<LightMyRequestResponse>;
  /** The table the flow writes to: `users` unless given (sessions have a table of their own since task 32). */
  table?: 'users' | 'sessions';
  /** A check constraint (added `NOT VALID`, so only the write the flow makes breaks it) that refuses the flow's write. */
  check: string;
  /**
   * The lock that makes the flow's query wait: on its table, `EXCLUSIVE` lets reads through and stops writes,
   * `ACCESS EXCLUSIVE` stops both; `ACCOUNT ROW` holds the account's row FOR UPDATE, which lets every query
   * through but one that checks a reference to it (a new session's INSERT, which carries the token's digest).
   */
  lock: 'EXCLUSIVE' | 'ACCESS EXCLUSIVE' | 'ACCOUNT ROW';
}

/** Every secret an account holds once it exists: its password and its hash. */
async function signedUp(app: FastifyInstance, db: DB, email: string): Promise<string[]> {
  const answer = await send(app, 'POST', '/users', { email, password });
  if (answer.statusCode !== 200) throw new Error(`sign-up failed: ${answer.body}`);
  return [password, (await db.findUserBy({ email })).hashedPassword];
}

async function loggedIn(app: FastifyInstance, db: DB, email: string): Promise<Prepared> {
  const secrets = await signedUp(app, db, email);
  const sessionId = (await send(app, 'POST', '/sessions', { email, password })).cookies.find((c) => c.name === 'session_id')?.value ?? '';
  return { secrets: [...secrets, sessionId, hashToken(sessionId)], sessionId };
}

async function withResetToken(app: FastifyInstance, db: DB, email: string): Promise<Prepared> {
  const secrets = await signedUp(app, db, email);
  const resetToken = (await send(app, 'POST', '/reset_password', { email })).json().reset_token as string;
  return { secrets: [...secrets, resetToken, hashToken(resetToken)], resetToken };
}

const flows: Flow[] = [
  {
    name: 'a sign-up',
    prepare: async () => ({ secrets: [password] }),
    act: (app, email) => send(app, 'POST', '/users', { email, password }),
    check: 'id < 0',
    lock: 'EXCLUSIVE',
  },
  {
    name: 'a login',
    prepare: async (app, db, email) => ({ secrets: await signedUp(app, db, email) }),
    act: (app, email) => send(app, 'POST', '/sessions', { email, password }),
    table: 'sessions',
    check: 'seen_at < created_at',
    // A lock on `sessions` would stop the login at its sweep of expired sessions, which carries no secret.
    lock: 'ACCOUNT ROW',
  },
  {
    name: 'a session look-up',
    prepare: loggedIn,
    act: (app, _email, prepared) => app.inject({ url: '/profile', cookies: { session_id: prepared.sessionId ?? '' } }),
    table: 'sessions',
    check: 'seen_at = created_at',
    lock: 'ACCESS EXCLUSIVE',
  },
  {
    name: 'a reset request',
    prepare: async (app, db, email) => ({ secrets: await signedUp(app, db, email) }),
    act: (app, email) => send(app, 'POST', '/reset_password', { email }),
    check: 'reset_token IS NULL',
    lock: 'EXCLUSIVE',
  },
  {
    name: 'a reset',
    prepare: withResetToken,
    act: (app, email, prepared) => send(app, 'PUT', '/reset_password', { email, reset_token: prepared.resetToken ?? '', new_password: newPassword }),
    check: 'reset_token IS NOT NULL',
    lock: 'EXCLUSIVE',
  },
];

/** The service on `db`, logging everything at `debug`, on a clock the test moves. */
async function service(t: Test, db: DB) {
  const log = logCapture();
  let now = Date.now();
  const app = await buildApp({ db, bcryptCost: 4, logger: { level: 'debug', stream: log.stream }, clock: () => new Date(now) });
  t.teardown(() => app.close());
  return { app, log, later: () => (now += FIVE_MINUTES) };
}

/** The whole log holds none of `secrets`, no bcrypt hash and no SHA-256 digest, and names the failure by `code`. */
function checkLog(t: Test, log: { text(): string; lines: LogLine[] }, secrets: string[], codes: readonly string[]) {
  const text = log.text();
  t.ok(text.length > 0, 'something was logged');
  for (const secret of [...secrets, newPassword]) t.notOk(text.includes(secret), `the log does not hold ${secret.slice(0, 12)}…`);
  t.notMatch(text, /\$2[aby]\$\d\d\$/, 'no bcrypt hash in the log');
  t.notMatch(text, /[0-9a-f]{64}/, 'no SHA-256 digest in the log');
  t.notMatch(text, /\b(insert into|update|select|delete from)\b.*\b(users|sessions)\b/i, 'no SQL in the log');
  const logged = log.lines.map((line) => (line.database as { code?: string } | undefined)?.code).filter((code) => code !== undefined);
  t.ok(logged.length > 0 && logged.every((code) => codes.includes(code)), `the failure is logged by its code (${codes.join(' or ')}), got ${logged.join(', ')}`);
}

let accounts = 0;
const nextEmail = () => `secret-free-${++accounts}@example.com`;

t.test('a query refused by a constraint logs its SQLSTATE, not the row it would have written', async (t) => {
  for (const flow of flows) {
    await t.test(flow.name, async (t) => {
      const db = await testDB(t);
      const { app, log, later } = await service(t, db);
      const email = nextEmail();
      const prepared = await flow.prepare(app, db, email);
      later();
      const table = flow.table ?? 'users';
      await db.knex.raw(`ALTER TABLE ${table} ADD CONSTRAINT refuse_write CHECK (${flow.check}) NOT VALID`);
      t.teardown(() => db.knex.raw(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS refuse_write`));
      const answer = await flow.act(app, email, prepared);
      t.equal(answer.statusCode, 500, answer.body);
      t.same(answer.json(), { statusCode: 500, error: 'Internal Server Error', message: 'something went wrong on our side; it has been logged' });
      checkLog(t, log, prepared.secrets, ['23514']);
      t.ok(log.lines.some((line) => (line.database as { constraint?: string } | undefined)?.constraint === 'refuse_write'), 'the constraint is named');
    });
  }
});

/** PostgreSQL's own: PGlite runs in this process, cannot time a statement out, and has one session, which a lock would stop. */
const postgresOnly = process.env.DATABASE_URL
  ? false
  : 'DATABASE_URL is not set: statement timeouts and killed connections need a PostgreSQL server (PGlite runs in this process with one session)';

/**
 * Runs `flow`'s failing request while another connection holds `flow.lock` on
 * the flow's table (or the account's row), `meanwhile` doing what it likes with
 * the waiting backend.
 */
async function underLock(
  t: Test,
  url: string,
  flow: Flow,
  queryTimeoutMs: number,
  meanwhile: (admin: pg.Client) => Promise<void>,
): Promise<{ answer: LightMyRequestResponse; log: ReturnType<typeof logCapture>; prepared: Prepared }> {
  const db = await DB.open({ connection: url, queryTimeoutMs });
  t.teardown(() => db.close());
  const { app, log, later } = await service(t, db);
  const email = nextEmail();
  const prepared = await flow.prepare(app, db, email);
  later();
  const holder = new pg.Client({ connectionString: url });
  await holder.connect();
  t.teardown(() => holder.end());
  await holder.query('BEGIN');
  if (flow.lock === 'ACCOUNT ROW') await holder.query('SELECT id FROM users WHERE email = $1 FOR UPDATE', [email]);
  else await holder.query(`LOCK TABLE ${flow.table ?? 'users'} IN ${flow.lock} MODE`);
  // A third connection watches: a transaction (the holder's) sees pg_stat_activity as it was when it began.
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  t.teardown(() => admin.end());
  const answering = flow.act(app, email, prepared);
  await meanwhile(admin);
  const answer = await answering;
  await holder.query('ROLLBACK');
  return { answer, log, prepared };
}

/** The backend of another connection, once it waits for a lock on this database. */
async function waitingBackend(admin: pg.Client): Promise<number> {
  for (;;) {
    const { rows } = await admin.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
    );
    if (rows[0] !== undefined) return rows[0].pid;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

t.test('a query cancelled by the statement timeout logs its SQLSTATE, not its values', { skip: postgresOnly }, async (t) => {
  const url = (await isolatedTarget(t, 'postgres')).connection ?? '';
  for (const flow of flows) {
    await t.test(flow.name, async (t) => {
      // The lock is held until the answer is in: the query cannot finish before the timeout, however slow the machine.
      const { answer, log, prepared } = await underLock(t, url, flow, 100, async () => {});
      t.equal(answer.statusCode, 503, answer.body);
      t.equal(answer.json().code, 'ERR_DATABASE_UNAVAILABLE');
      checkLog(t, log, prepared.secrets, ['57014']);
    });
  }
});

t.test('a query on a killed connection logs its code, not its values', { skip: postgresOnly }, async (t) => {
  const url = (await isolatedTarget(t, 'postgres')).connection ?? '';
  for (const flow of flows) {
    await t.test(flow.name, async (t) => {
      const { answer, log, prepared } = await underLock(t, url, flow, 600_000, async (admin) => {
        await admin.query('SELECT pg_terminate_backend($1)', [await waitingBackend(admin)]);
      });
      t.equal(answer.statusCode, 503, answer.body);
      checkLog(t, log, prepared.secrets, ['57P01', 'CONNECTION_LOST']);
    });
  }
});
