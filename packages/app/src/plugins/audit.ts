import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sessionIdOf } from './cookies.ts';

/** What happened, in the words an operator searches the log for. */
export type AuditEvent =
  | 'signup'
  | 'login.ok'
  | 'login.failed'
  | 'logout'
  | 'reset.requested'
  | 'reset.refused'
  | 'reset.used'
  | 'reset.failed'
  | 'password.changed'
  | 'password.change_failed'
  | 'session.ended'
  | 'sessions.ended_others'
  | 'csrf.refused'
  | 'rate_limited';

/** The facts an audit event may carry: ids, addresses and names, never a secret. */
export interface AuditFields {
  userId?: number | null;
  limit?: string;
  /** A session's public id (task 32), never its token or digest. */
  sessionId?: string;
}

/**
 * Writes one audit event: a structured pino line `{ audit, userId, ip, … }` at
 * level info, with the request id pino adds. Its fields are a closed set: no
 * email, password, token, digest or hash can get in by accident.
 */
export function audit(request: FastifyRequest, event: AuditEvent, fields: AuditFields = {}): void {
  // #region task-29
  const { userId = null, limit, sessionId } = fields;
  request.log.info(
    { audit: event, userId, ip: request.ip, ...(limit === undefined ? {} : { limit }), ...(sessionId === undefined ? {} : { sessionId }) },
    `audit: ${event}`,
  );
  // #stub
  // // Nothing is recorded: after an attack, nobody can tell what happened.
  // #endregion
}

// #region task-29
/** The audit event a route's answer means, by method, route and status. */
const eventOf: Readonly<Record<string, AuditEvent>> = {
  'POST /users 200': 'signup',
  'POST /sessions 200': 'login.ok',
  'POST /sessions 401': 'login.failed',
  'DELETE /sessions 302': 'logout',
  'POST /reset_password 200': 'reset.requested',
  'POST /reset_password 403': 'reset.refused',
  'PUT /reset_password 200': 'reset.used',
  'PUT /reset_password 403': 'reset.failed',
  // #region task-30
  'PUT /password 200': 'password.changed',
  'PUT /password 401': 'password.change_failed',
  // #endregion
  // #region task-32
  'DELETE /sessions/:id 204': 'session.ended',
  'DELETE /sessions/others 200': 'sessions.ended_others',
  // #endregion
};

/** Routes that end the client's session: whose it was is noted before the route runs. */
const sessionRoutes = new Set([
  'DELETE /sessions',
  // #region task-30
  'PUT /password',
  // #endregion
  // #region task-32
  'DELETE /sessions/:id',
  'DELETE /sessions/others',
  // #endregion
]);

/** Whose session a route of `sessionRoutes` ended, noted before the route ends it. */
const sessionUsers = new WeakMap<FastifyRequest, number | null>();
/** The public id of the session a route of `sessionRoutes` came with (task 32). */
const sessionIds = new WeakMap<FastifyRequest, string>();

/** The id of the account `email` names, or `null`: a log line is not worth a failed request. */
async function userIdByEmail(app: FastifyInstance, email: unknown): Promise<number | null> {
  try {
    return (await app.db.findUserBy({ email: email as string })).id;
  } catch {
    return null;
  }
}
// #endregion

/** Records sign-ups, logins, logouts and resets from the routes' answers, so the route code stays about the flow. */
export default fp(
  async (app) => {
    // #region task-29
    // A logout (or another route of sessionRoutes) ends the session: find whose it was before the route runs.
    app.addHook('preHandler', async (request) => {
      if (!sessionRoutes.has(`${request.method} ${request.routeOptions.url}`)) return;
      // #region task-32
      const session = await app.auth.currentSession(sessionIdOf(request));
      sessionUsers.set(request, session?.userId ?? null);
      if (session !== null) sessionIds.set(request, session.id);
      // #stub
      // const user = await app.auth.getUserFromSessionId(sessionIdOf(request));
      // sessionUsers.set(request, user?.id ?? null);
      // #endregion
    });
    // onSend, not onResponse: the line is written before the client has its answer, so the log is in the order things happened.
    app.addHook('onSend', async (request, reply) => {
      const event = eventOf[`${request.method} ${request.routeOptions.url} ${reply.statusCode}`];
      if (event === undefined) return;
      const userId = sessionUsers.has(request)
        ? sessionUsers.get(request)
        : await userIdByEmail(app, (request.body as { email?: unknown } | undefined)?.email);
      // #region task-32
      // The session a route ended is named by its public id: the one in the URL, or the caller's own.
      const sessionId = (request.params as { id?: string } | undefined)?.id?.toLowerCase() ?? sessionIds.get(request);
      audit(request, event, { userId, ...(sessionId === undefined ? {} : { sessionId }) });
      // #stub
      // audit(request, event, { userId });
      // #endregion
    });
    // #stub
    // // No hooks: nothing is recorded.
    // #endregion
  },
  { name: 'hallpass-audit', fastify: '5.x', dependencies: ['hallpass-db', 'hallpass-auth', 'hallpass-cookies'] },
);
