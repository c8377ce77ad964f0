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

/** `POST /sessions` and `DELETE /sessions`: log in and out (the original's `login()` and `logout()`). */
const sessions: FastifyPluginAsyncTypebox = async (app) => {
  // #region task-11
  const logInBody = Type.Object({ email: Email, password: Password });
  app.post('/sessions', { schema: { ...logInDocs, body: logInBody }, preValidation: trimEmail }, async (request, reply) => {
    const { email, password } = request.body;
    if (!(await app.auth.validLogin(email, password))) throw new InvalidCredentialsError();
    const sessionId = await app.auth.createSession(email);
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
    await app.auth.destroySession(user.id);
    reply.clearCookie(SESSION_COOKIE, sessionCookieOptions);
    return reply.redirect('/', 302);
  });
  // #stub
  // app.delete('/sessions', async () => {
  //   throw new TaskNotDoneError(14, 'declare `DELETE /sessions` in src/routes/sessions.ts (end the session of the `session_id` cookie, redirect to `/`) and map ERR_NO_SESSION in src/plugins/errors.ts');
  // });
  // #endregion
};

export default sessions;
