import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TaskNotDoneError } from '@hallpass/db';
import { InvalidCredentialsError, NoSessionError } from '../errors.ts';
import { SESSION_COOKIE, sessionCookieOptions, sessionIdOf } from '../plugins/cookies.ts';
import { Email, Password, badRequest, bodyTypes, errorResponse, trimEmail } from '../schemas.ts';

const logIn = {
  summary: 'Logs in: sets the session_id cookie',
  tags: ['sessions'],
  consumes: bodyTypes,
  body: Type.Object({ email: Email, password: Password }),
  response: {
    200: Type.Object(
      { email: Type.String(), message: Type.String() },
      { description: 'Logged in; the answer sets `session_id=<token>; Path=/; HttpOnly; SameSite=Lax`' },
    ),
    400: errorResponse(badRequest),
    401: errorResponse('Wrong email or password'),
  },
};

const logOut = {
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
  app.post('/sessions', { schema: logIn, preValidation: trimEmail }, async (request, reply) => {
    // #region task-11
    const { email, password } = request.body;
    if (!(await app.auth.validLogin(email, password))) throw new InvalidCredentialsError();
    const sessionId = await app.auth.createSession(email);
    // The account vanished between the two calls: as good as a wrong password.
    if (sessionId === null) throw new InvalidCredentialsError();
    reply.setCookie(SESSION_COOKIE, sessionId, sessionCookieOptions);
    return { email, message: 'logged in' };
    // #stub
    // throw new TaskNotDoneError(11, 'make `POST /sessions` check the password, create a session, set the `session_id` cookie and answer {"email": …, "message": "logged in"}');
    // #endregion
  });

  app.delete('/sessions', { schema: logOut }, async (request, reply) => {
    // #region task-14
    const user = await app.auth.getUserFromSessionId(sessionIdOf(request));
    if (user === null) throw new NoSessionError();
    await app.auth.destroySession(user.id);
    reply.clearCookie(SESSION_COOKIE, sessionCookieOptions);
    return reply.redirect('/', 302);
    // #stub
    // throw new TaskNotDoneError(14, 'make `DELETE /sessions` end the session of the `session_id` cookie and redirect to `/`, or answer 403');
    // #endregion
  });
};

export default sessions;
