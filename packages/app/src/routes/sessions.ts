import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TaskNotDoneError } from '@hallpass/db';
import { InvalidCredentialsError, NoSessionError } from '../errors.ts';
import { SESSION_COOKIE, sessionCookieOptions, sessionIdOf } from '../plugins/cookies.ts';
import { Email, Password, badRequest, bodyTypes, errorResponse, trimEmail } from '../schemas.ts';

/** Given: what the OpenAPI document says about `POST /sessions`; the body schema is the route's own. */
const logInDocs = {
  summary: 'Logs in: sets the session_id cookie',
  tags: ['sessions'],
  consumes: bodyTypes,
  response: {
    200: Type.Object(
      { email: Type.String(), message: Type.String() },
      { description: 'Logged in; the answer sets `session_id=<token>; Path=/; HttpOnly; SameSite=Lax`' },
    ),
    400: errorResponse(badRequest),
    401: errorResponse('Wrong email or password'),
  },
};

/** Given: what the OpenAPI document says about `DELETE /sessions`. */
const logOutDocs = {
  summary: 'Logs out: ends the session and redirects to /',
  tags: ['sessions'],
  security: [{ session: [] }],
  response: {
    302: Type.Null({ description: 'Session ended, cookie cleared; `Location: /`' }),
    403: errorResponse('No session_id cookie, or one that matches no session'),
  },
};

/** Given: a session's public id, as `GET /sessions` lists it: a UUID, in any letter case. */
const SessionPublicId = Type.String({
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
  description: 'The `id` of one of the caller\'s sessions, as `GET /sessions` lists it.',
  examples: ['0b6c3f3e-5d2a-4c1e-9f7a-2e4d6c8b0a13'],
});

/** Given: one session in the list of `GET /sessions`. */
const SessionEntry = Type.Object({
  id: Type.String({ description: 'Public: it names the session, it is not its token' }),
  current: Type.Boolean({ description: 'Whether it is the session of the cookie sent' }),
  createdAt: Type.String({ format: 'date-time', description: 'When it began (the login)' }),
  lastSeenAt: Type.String({ format: 'date-time', description: 'When it was last used' }),
  device: Type.Object({
    userAgent: Type.Union([Type.String(), Type.Null()], { description: 'The User-Agent of the login, cut to 200 characters' }),
    address: Type.Union([Type.String(), Type.Null()], { description: 'The client address of the login, as the service saw it' }),
  }),
});

/** Given: what the OpenAPI document says about `GET /sessions`. */
const listDocs = {
  summary: 'Lists the caller\'s live sessions, newest first',
  tags: ['sessions'],
  security: [{ session: [] }],
  response: {
    200: Type.Array(SessionEntry, { description: 'Every live session of the user; `current` marks the one of the cookie sent' }),
    403: errorResponse('No session_id cookie, or one that matches no session'),
  },
};

/** Given: what the OpenAPI document says about `DELETE /sessions/others`. */
const endOthersDocs = {
  summary: 'Logs out everywhere else: ends every session of the caller but the current one',
  tags: ['sessions'],
  security: [{ session: [] }],
  response: {
    200: Type.Object({ ended: Type.Integer({ description: 'How many sessions ended' }) }),
    403: errorResponse('No session_id cookie, one that matches no session, or a cross-site request'),
  },
};

/** Given: what the OpenAPI document says about `DELETE /sessions/:id`. */
const endOneDocs = {
  summary: 'Ends one session of the caller (the current one too: its cookie is then cleared)',
  tags: ['sessions'],
  security: [{ session: [] }],
  response: {
    204: Type.Null({ description: 'The session ended' }),
    400: errorResponse('The id is not a session id (a UUID)'),
    403: errorResponse('No session_id cookie, one that matches no session, or a cross-site request'),
    404: errorResponse('The id is not one of the caller\'s live sessions (another user\'s included)'),
  },
};

/** `POST /sessions` and `DELETE /sessions`: log in and out (the original's `login()` and `logout()`). */
const sessions: FastifyPluginAsyncTypebox = async (app) => {
  // #region task-11
  const logInBody = Type.Object({ email: Email, password: Password });
  app.post('/sessions', { schema: { ...logInDocs, body: logInBody }, preValidation: trimEmail }, async (request, reply) => {
    const { email, password } = request.body;
    if (!(await app.auth.validLogin(email, password))) throw new InvalidCredentialsError();
    // #region task-32
    // What the session list shows of the device: its User-Agent (the library cuts it short) and the client's address.
    const sessionId = await app.auth.createSession(email, { userAgent: request.headers['user-agent'], address: request.ip });
    // #stub
    // const sessionId = await app.auth.createSession(email);
    // #endregion
    // The account vanished between the two calls: as good as a wrong password.
    if (sessionId === null) throw new InvalidCredentialsError();
    reply.setCookie(SESSION_COOKIE, sessionId, sessionCookieOptions);
    return { email, message: 'logged in' };
  });
  // #stub
  // app.post('/sessions', async () => {
  //   throw new TaskNotDoneError(11, 'declare `POST /sessions` in src/routes/sessions.ts (check the password, create a session, set the `session_id` cookie) and map ERR_INVALID_CREDENTIALS in src/plugins/errors.ts');
  // });
  // #endregion

  // #region task-14
  app.delete('/sessions', { schema: logOutDocs }, async (request, reply) => {
    const user = await app.auth.getUserFromSessionId(sessionIdOf(request));
    if (user === null) throw new NoSessionError();
    // #region task-32
    // Only the session of this cookie ends: the user's other devices stay logged in.
    await app.auth.destroySession(user.id, sessionIdOf(request));
    // #stub
    // await app.auth.destroySession(user.id);
    // #endregion
    reply.clearCookie(SESSION_COOKIE, sessionCookieOptions);
    return reply.redirect('/', 302);
  });
  // #stub
  // app.delete('/sessions', async () => {
  //   throw new TaskNotDoneError(14, 'declare `DELETE /sessions` in src/routes/sessions.ts (end the session of the `session_id` cookie, redirect to `/`) and map ERR_NO_SESSION in src/plugins/errors.ts');
  // });
  // #endregion

  // #region task-32
  app.get('/sessions', { schema: listDocs }, async (request) => {
    const token = sessionIdOf(request);
    const current = await app.auth.currentSession(token);
    if (current === null) throw new NoSessionError();
    const list = await app.auth.listSessions(current.userId, token);
    return list.map(({ id, current, createdAt, lastSeenAt, device }) => ({
      id,
      current,
      createdAt: createdAt.toISOString(),
      lastSeenAt: lastSeenAt.toISOString(),
      device,
    }));
  });

  // Declared before `/sessions/:id`, and a static path wins anyway: `others` is never taken for an id.
  app.delete('/sessions/others', { schema: endOthersDocs }, async (request) => {
    const token = sessionIdOf(request);
    const current = await app.auth.currentSession(token);
    if (current === null || token === null) throw new NoSessionError();
    return { ended: await app.auth.endOtherSessions(current.userId, token) };
  });

  const endOneParams = Type.Object({ id: SessionPublicId });
  app.delete('/sessions/:id', { schema: { ...endOneDocs, params: endOneParams } }, async (request, reply) => {
    const current = await app.auth.currentSession(sessionIdOf(request));
    if (current === null) throw new NoSessionError();
    // Another user's session is refused like an unknown one (UnknownSessionError, 404).
    await app.auth.endSession(current.userId, request.params.id);
    if (request.params.id.toLowerCase() === current.id) reply.clearCookie(SESSION_COOKIE, sessionCookieOptions);
    return reply.status(204).send(null);
  });
  // #stub
  // // GET /sessions, DELETE /sessions/others and DELETE /sessions/:id are not declared yet.
  // #endregion
};

export default sessions;
