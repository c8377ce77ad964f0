/**
 * Whether an error means the database could not be reached or gave up, rather
 * than that the query was wrong: the service answers those with 503 (try again)
 * instead of 500 (a bug).
 */

/** SQLSTATE classes and codes of an unavailable server: 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown, cancelled statement). */
const unavailableState = /^(08|53|57)/;

/** Node's socket errors when the server is gone or unreachable. */
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** What the pg driver and knex throw, without a code, when a connection breaks or a limit runs out. */
const driverMessages = /Connection terminated|Connection ended unexpectedly|Query read timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable|Knex: Timeout acquiring a connection/;

export function isDatabaseUnavailable(error: unknown): boolean {
  // Objection wraps the driver's error (`nativeError`); others chain it as `cause`.
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const { code, name, message } = current as Error & { code?: unknown };
    if (name === 'KnexTimeoutError') return true;
    if (typeof code === 'string' && (socketCodes.has(code) || (/^[0-9A-Z]{5}$/.test(code) && unavailableState.test(code)))) return true;
    if (driverMessages.test(message)) return true;
    const inner = current as Error & { nativeError?: unknown };
    current = inner.nativeError ?? current.cause;
  }
  return false;
}

/**
 * What a log may say about a database error: its SQLSTATE (or the driver's
 * code), the condition it names, and the table, constraint and column it
 * concerns. Never the error's message, SQL, bound values or `detail`: those
 * hold what the query wrote or looked for (an email, a password hash, a token
 * digest), and PostgreSQL's own message can quote a value too
 * (`invalid input syntax for type uuid: "…"`).
 */
export interface DatabaseErrorSummary {
  /** SQLSTATE (`23505`, `57014`), a socket code (`ECONNREFUSED`), or the driver's and pool's own failures: `QUERY_TIMEOUT`, `CONNECT_TIMEOUT`, `CONNECTION_LOST`. */
  code: string;
  /** The condition's name in PostgreSQL's manual (`unique_violation`), when known; otherwise its class's (`integrity_constraint_violation`). */
  condition?: string;
  table?: string;
  constraint?: string;
  column?: string;
}

/** PostgreSQL's names of the conditions this service can meet (Appendix A, "PostgreSQL Error Codes"). */
const conditions: Readonly<Record<string, string>> = {
  '08000': 'connection_exception',
  '08003': 'connection_does_not_exist',
  '08006': 'connection_failure',
  '22001': 'string_data_right_truncation',
  '22003': 'numeric_value_out_of_range',
  '22007': 'invalid_datetime_format',
  '22021': 'character_not_in_repertoire',
  '22P02': 'invalid_text_representation',
  '23502': 'not_null_violation',
  '23503': 'foreign_key_violation',
  '23505': 'unique_violation',
  '23514': 'check_violation',
  '25P02': 'in_failed_sql_transaction',
  '40001': 'serialization_failure',
  '40P01': 'deadlock_detected',
  '42601': 'syntax_error',
  '42703': 'undefined_column',
  '42P01': 'undefined_table',
  '53300': 'too_many_connections',
  '57014': 'query_canceled',
  '57P01': 'admin_shutdown',
  '57P02': 'crash_shutdown',
  '57P03': 'cannot_connect_now',
};

/** The classes (the first two characters of a SQLSTATE), for a code the table above does not list. */
const classes: Readonly<Record<string, string>> = {
  '08': 'connection_exception',
  '22': 'data_exception',
  '23': 'integrity_constraint_violation',
  '25': 'invalid_transaction_state',
  '40': 'transaction_rollback',
  '42': 'syntax_error_or_access_rule_violation',
  '53': 'insufficient_resources',
  '54': 'program_limit_exceeded',
  '57': 'operator_intervention',
  '58': 'system_error',
  XX: 'internal_error',
};

/** A code for each of the driver's and pool's failures that come without one (`driverMessages`). */
const driverCodes: ReadonlyArray<readonly [RegExp, string]> = [
  [/Query read timeout/, 'QUERY_TIMEOUT'],
  [/timeout exceeded when trying to connect|Knex: Timeout acquiring a connection/, 'CONNECT_TIMEOUT'],
  [driverMessages, 'CONNECTION_LOST'],
];

const identifier = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The loggable part of a database error (see `DatabaseErrorSummary`), or
 * `undefined` when `error` did not come from the database, its pool or its
 * connection. Every error `isDatabaseUnavailable` accepts has one.
 */
export function databaseErrorSummary(error: unknown): DatabaseErrorSummary | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const fields = current as Error & { code?: unknown; table?: unknown; constraint?: unknown; column?: unknown };
    const { code, name, message } = fields;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
      const summary: DatabaseErrorSummary = { code };
      const condition = conditions[code] ?? classes[code.slice(0, 2)];
      if (condition !== undefined) summary.condition = condition;
      for (const key of ['table', 'constraint', 'column'] as const) {
        const value = identifier(fields[key]);
        if (value !== undefined) summary[key] = value;
      }
      return summary;
    }
    if (typeof code === 'string' && socketCodes.has(code)) return { code };
    if (name === 'KnexTimeoutError') return { code: 'CONNECT_TIMEOUT' };
    const driverFailure = driverCodes.find(([pattern]) => pattern.test(message));
    if (driverFailure !== undefined) return { code: driverFailure[1] };
    const inner = current as Error & { nativeError?: unknown };
    current = inner.nativeError ?? current.cause;
  }
  return undefined;
}
