import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { databaseErrorSummary, HallpassError, isDatabaseUnavailable } from '@hallpass/db';
import { recordFailure } from '../logging.ts';

interface Mapping {
  status: number;
  /** What the client reads; without it, the error's own message (library messages never hold secrets). */
  message?: string;
  /** The contract fixes this body literally: send `{ message }` and nothing else. */
  bare?: boolean;
  /** Seconds after which the client may try again (`Retry-After`): the refusal is about load, not the request. */
  retryAfter?: number;
}

/**
 * Every library error the routes let through, by `code`: the one place that picks
 * HTTP statuses. The frame and the two general entries are given; each route task
 * adds the entries of the errors its route lets through.
 */
const statusByCode: Readonly<Record<string, Mapping>> = {
  // Bad input the schemas cannot see (e.g. a value too long for its column): the client's mistake.
  ERR_INVALID_ARGUMENT: { status: 400 },
  // A learner's copy: the route's task is still a stub. Say which one, not "Internal Server Error".
  ERR_TASK_NOT_DONE: { status: 501 },
  // The rate limits cannot count the request (Redis down, the memory counter full): refused, never let through uncounted.
  ERR_RATE_LIMITS_UNAVAILABLE: { status: 503 },
  // Too many bcrypt jobs already wait (BCRYPT_MAX_QUEUE): refused before any hashing; the client retries shortly.
  ERR_BUSY: { status: 503, retryAfter: 1 },
  // #region task-07
  ERR_USER_EXISTS: { status: 400, message: 'email already registered', bare: true },
  // #endregion
  // #region task-11
  ERR_INVALID_CREDENTIALS: { status: 401 },
  // #endregion
  // #region task-14
  ERR_NO_SESSION: { status: 403 },
  // #endregion
  // #region task-17
  ERR_UNKNOWN_EMAIL: { status: 403, message: 'no account uses this email' },
  // #endregion
  // #region task-19
  ERR_INVALID_RESET_TOKEN: { status: 403, message: 'invalid reset token: unknown, already used, or issued for another email' },
  // #endregion
  // #region task-30
  // The policy names the rule that was broken; the message never holds the password.
  ERR_WEAK_PASSWORD: { status: 400 },
  // Wrong credentials, as at login: 401 (and the failed-login limit counts it).
  ERR_WRONG_PASSWORD: { status: 401 },
  // #endregion
  // #region task-32
  // Unknown, ended, or another user's: the same 404, so nobody learns that another user's session exists.
  ERR_UNKNOWN_SESSION: { status: 404 },
  // #endregion
  // #region task-33
  ERR_INVALID_CONFIRMATION_TOKEN: { status: 403, message: 'invalid confirmation token: unknown, already used, or expired' },
  // #endregion
};

function sendError(reply: FastifyReply, status: number, code: string | undefined, message: string) {
  return reply.status(status).send({ statusCode: status, code, error: STATUS_CODES[status], message });
}

/**
 * Maps errors to answers: library errors by code, Fastify's own client errors
 * (validation, body parsing, size, media type) as they are, anything else to a
 * 500 that says nothing about the inside and is logged: in full, except a
 * database error, whose log line holds its code and the table and constraint
 * it concerns, never its message, SQL or values. A library error
 * without an entry in `statusByCode` is such a 500: its log line names the code.
 * The error goes on the request's one log line (`recordFailure`), with its status.
 */
export default fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError | HallpassError, request, reply) => {
      const mapping = error instanceof HallpassError ? statusByCode[error.code] : undefined;
      if (mapping !== undefined) {
        const message = mapping.message ?? error.message;
        recordFailure(request, { level: 'info', msg: 'request completed', fields: { error: { code: error.code, message } } });
        // An error that knows when to come back (a 503 of the rate limits, or of a full bcrypt queue) says so.
        const retryAfter = mapping.retryAfter ?? (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
        if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
        if (mapping.bare === true) return reply.status(mapping.status).send({ message });
        return sendError(reply, mapping.status, error.code, message);
      }
      const status = (error as FastifyError).statusCode ?? 500;
      if (status >= 400 && status < 500) {
        recordFailure(request, { level: 'info', msg: 'request completed', fields: { error: { code: error.code, message: error.message } } });
        return sendError(reply, status, error.code, error.message);
      }
      // A database error is logged by its code alone: its message, SQL, values and detail can hold
      // what the query wrote or looked for (an email, a password hash, a token digest).
      const database = databaseErrorSummary(error);
      if (isDatabaseUnavailable(error)) {
        // Not the client's fault and not a bug: the database is down or too slow. Retry shortly.
        recordFailure(request, { level: 'error', msg: 'database unavailable', fields: { database } });
        reply.header('retry-after', '1');
        return sendError(reply, 503, 'ERR_DATABASE_UNAVAILABLE', 'the database is unavailable; try again shortly');
      }
      if (database !== undefined) {
        recordFailure(request, { level: 'error', msg: `request failed: database error ${database.code}`, fields: { database } });
        return sendError(reply, 500, undefined, 'something went wrong on our side; it has been logged');
      }
      const unmapped = error instanceof HallpassError ? `: no HTTP status for ${error.code} in statusByCode (plugins/errors.ts)` : '';
      recordFailure(request, { level: 'error', msg: `request failed${unmapped}`, fields: { err: error } });
      return sendError(reply, 500, undefined, 'something went wrong on our side; it has been logged');
    });
  },
  { name: 'hallpass-errors', fastify: '5.x' },
);
