/** Telling "the database is unreachable" (503, try again) from "the query is wrong" (a bug). */
import t from 'tap';
import { DB, databaseErrorSummary, isDatabaseUnavailable, redact } from '@hallpass/db';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

t.test('connection failures, timeouts and server shutdowns count as unavailable', async (t) => {
  const cases: Array<[string, unknown]> = [
    ['administrator terminated the backend (57P01)', withCode('57P01')],
    ['statement timeout (57014)', withCode('57014')],
    ['too many connections (53300)', withCode('53300')],
    ['connection failure (08006)', withCode('08006')],
    ['connection refused', withCode('ECONNREFUSED')],
    ['connection reset', withCode('ECONNRESET')],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['pg: client-side query timeout', new Error('Query read timeout')],
    ['knex: no free connection in time', Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' })],
    ['wrapped by Objection', Object.assign(new Error('wrapper'), { nativeError: withCode('57P01') })],
    ['chained as a cause', new Error('outer', { cause: withCode('ECONNREFUSED') })],
  ];
  for (const [name, error] of cases) t.ok(isDatabaseUnavailable(error), name);
});

t.test('query errors and anything else are not', async (t) => {
  const cases: Array<[string, unknown]> = [
    ['unique violation (23505)', withCode('23505')],
    ['syntax error (42601)', withCode('42601')],
    ['a plain error', new Error('boom')],
    ['not an error', 'ECONNREFUSED'],
    ['an error code that is not SQLSTATE', withCode('57P01X')],
    ['undefined', undefined],
  ];
  for (const [name, error] of cases) t.notOk(isDatabaseUnavailable(error), name);
});

t.test('a database error is summed up by its code and the names it concerns, never its message or values', async (t) => {
  const violation = Object.assign(new Error('new row for relation "users" violates check constraint "c"'), {
    code: '23514',
    table: 'users',
    constraint: 'c',
    column: '',
    detail: 'Failing row contains (1, bob@example.com, $2b$04$…)',
  });
  const cases: Array<[string, unknown, unknown]> = [
    ['a check violation, wrapped by Objection', Object.assign(new Error('insert into … - new row …'), { nativeError: violation }), { code: '23514', condition: 'check_violation', table: 'users', constraint: 'c' }],
    ['a SQLSTATE known by its class only', withCode('23P99'), { code: '23P99', condition: 'integrity_constraint_violation' }],
    ['a SQLSTATE of a class not listed', withCode('HV000'), { code: 'HV000' }],
    ['a statement timeout', withCode('57014', 'canceling statement due to statement timeout'), { code: '57014', condition: 'query_canceled' }],
    ['a refused connection, as a cause', new Error('outer', { cause: withCode('ECONNREFUSED') }), { code: 'ECONNREFUSED' }],
    ['the pool\'s timeout', Object.assign(new Error('Knex: Timeout acquiring a connection.'), { name: 'KnexTimeoutError', bindings: ['secret'] }), { code: 'CONNECT_TIMEOUT' }],
    ['the driver\'s connect timeout', new Error('timeout exceeded when trying to connect'), { code: 'CONNECT_TIMEOUT' }],
    ['the driver\'s query timeout', new Error('select 1 - Query read timeout'), { code: 'QUERY_TIMEOUT' }],
    ['a lost connection', new Error('insert into … - Connection terminated unexpectedly'), { code: 'CONNECTION_LOST' }],
  ];
  for (const [name, error, summary] of cases) t.same(databaseErrorSummary(error), summary, name);
  for (const other of [new Error('boom'), withCode('ERR_SOMETHING'), 'ECONNREFUSED', undefined]) t.equal(databaseErrorSummary(other), undefined, String(other));
});

t.test('redact hides a URL\'s credentials wherever they are', async (t) => {
  const cases: Array<[string, string]> = [
    ['postgres://app:s3cr3t@db:5432/hallpass', 'postgres://app:***@db:5432/hallpass'],
    ['postgres://app@db/hallpass', 'postgres://app@db/hallpass'],
    ['postgres://db/hallpass?password=s3cr3t&sslmode=require', 'postgres://db/hallpass?password=***&sslmode=require'],
    ['postgres://a:p%40ss@db/h?sslpassword=k&sslkey=/k.pem', 'postgres://a:***@db/h?sslpassword=***&sslkey=***'],
    ['postgres://u:p@ss@db/h', 'postgres://u:***@db/h'],
    ['redis://:pw@cache:6379/0', 'redis://:***@cache:6379/0'],
    ['mysql//u:p@h', '***'],
    ['postgres://[bad', 'postgres://***'],
  ];
  for (const [url, shown] of cases) t.equal(redact(url), shown, url);
});

t.test('DB.open checks its limits', async (t) => {
  for (const [key, value] of [['queryTimeoutMs', 0], ['connectTimeoutMs', 1.5], ['poolMax', '3']] as const) {
    await t.rejects(DB.open({ [key]: value } as never), { code: 'ERR_INVALID_ARGUMENT', message: new RegExp(`${key} must be a positive whole number`) }, `${key}: ${value}`);
  }
});

t.test('a query longer than the query timeout is cancelled by the server, as unavailable', async (t) => {
  const url = process.env.DATABASE_URL;
  if (!url) {
    t.comment('DATABASE_URL is not set: the statement timeout is checked on PostgreSQL only (PGlite cannot interrupt a running statement)');
    return;
  }
  const db = await DB.open({ connection: url, queryTimeoutMs: 200 });
  t.teardown(() => db.close());
  const error = await db.knex.raw('select pg_sleep(2)').catch((e: unknown) => e);
  t.match(error, { code: '57014' }, 'query_canceled');
  t.ok(isDatabaseUnavailable(error));
  t.same((await db.knex.raw('select 1 as one')).rows, [{ one: 1 }], 'the connection is still usable');
});
