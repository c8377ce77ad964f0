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
