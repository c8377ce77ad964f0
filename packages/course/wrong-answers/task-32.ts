import type { WrongAnswer } from '../src/wrong-answers.ts';

const auth = 'packages/auth/src/auth.ts';
const route = 'packages/app/src/routes/sessions.ts';
const errors = 'packages/app/src/plugins/errors.ts';

export default [
  {
    name: 'a login still ends the user\'s other sessions (the one-column habit: replace, not add)',
    file: auth,
    find: '    await this.#sessions.add(user.id, hashToken(sessionId), now, device);\n',
    replace: '    await this.#sessions.deleteAllOf(user.id);\n    await this.#sessions.add(user.id, hashToken(sessionId), now, device);\n',
  },
  {
    name: 'ends a session by its id alone, whoever it belongs to (another user can log you out)',
    file: 'packages/auth/src/sessions.ts',
    find: "return (await this.#knex()('sessions').where({ user_id: userId, id }).delete()) > 0;",
    replace: "return (await this.#knex()('sessions').where({ id }).delete()) > 0;",
  },
  {
    name: 'answers 403 for a session that is not yours (and 404 for an unknown one: the difference tells it exists)',
    file: errors,
    find: '  ERR_UNKNOWN_SESSION: { status: 404 },',
    replace: '  ERR_UNKNOWN_SESSION: { status: 403 },',
  },
  {
    name: 'DELETE /sessions ends every session of the user, not the current one only',
    file: route,
    find: '    await app.auth.destroySession(user.id, sessionIdOf(request));',
    replace: '    await app.auth.destroySession(user.id);',
  },
  {
    name: 'no cap: a user may pile up sessions without bound',
    file: auth,
    find: '    await this.#sessions.keepNewest(user.id, this.#maxSessions);\n',
    replace: '',
  },
  {
    name: 'ending the current session by its id leaves the cookie in the browser',
    file: route,
    find: '    if (request.params.id.toLowerCase() === current.id) reply.clearCookie(SESSION_COOKIE, sessionCookieOptions);\n',
    replace: '',
  },
  {
    name: 'marks every listed session as the current one',
    file: auth,
    find: '.map((session) => describeSession(session, current?.id));',
    replace: '.map((session) => describeSession(session, session.id));',
  },
  {
    name: 'lists expired sessions (they are deleted only when their own cookie comes back)',
    file: auth,
    find: '    await this.#deleteExpiredSessions(userId, now);\n    const current',
    replace: '    void now;\n    const current',
  },
  {
    name: '"log out everywhere else" logs out here too',
    file: auth,
    find: '    return this.#sessions.deleteAllOf(userId, hashToken(currentSessionId));',
    replace: '    void currentSessionId;\n    return this.#sessions.deleteAllOf(userId);',
  },
  {
    name: 'records the device from the raw connection, ignoring the trusted proxy\'s X-Forwarded-For',
    file: route,
    find: "address: request.ip });",
    replace: "address: request.socket.remoteAddress });",
  },
] satisfies WrongAnswer[];
