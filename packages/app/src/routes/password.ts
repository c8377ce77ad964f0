import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TaskNotDoneError } from '@hallpass/db';
import { NoSessionError } from '../errors.ts';
import { notifyPasswordChanged } from '../notices.ts';
import { SESSION_COOKIE, sessionCookieOptions, sessionIdOf } from '../plugins/cookies.ts';
import { Password, badRequest, bodyTypes, errorResponse } from '../schemas.ts';

/** Given: what the OpenAPI document says about `PUT /password`; the body schema is the route's own. */
const docs = {
  summary: 'Changes the password of the logged-in user',
  description:
    'Needs the session cookie and the current password. Every session of the user ends; the answer sets a new session cookie, ' +
    'so this client stays logged in. In the production profile the new password must meet NIST SP 800-63B: at least 15 characters, not a common one.',
  tags: ['password'],
  consumes: bodyTypes,
  security: [{ session: [] }],
  response: {
    200: Type.Object(
      { email: Type.String(), message: Type.String() },
      { description: 'The password is changed; the answer sets a new `session_id` cookie, the old one opens nothing' },
    ),
    400: errorResponse(`${badRequest}; or a new password the password policy refuses (code ERR_WEAK_PASSWORD)`),
    401: errorResponse('The current password is wrong (counts as a failed login)'),
    403: errorResponse('No session_id cookie, or one that matches no session'),
  },
};

/** `PUT /password`: a logged-in user changes their password (not in the Python original). */
const password: FastifyPluginAsyncTypebox = async (app) => {
  // #region task-30
  const body = Type.Object({ current_password: Password, new_password: Password });
  app.put('/password', { schema: { ...docs, body } }, async (request, reply) => {
    const user = await app.auth.getUserFromSessionId(sessionIdOf(request));
    if (user === null) throw new NoSessionError();
    const { current_password: currentPassword, new_password: newPassword } = request.body;
    await app.auth.changePassword(user.email, currentPassword, newPassword);
    // The change ended every session, this client's too: it gets a new one, made after the change.
    const sessionId = await app.auth.createSession(user.email);
    if (sessionId !== null) reply.setCookie(SESSION_COOKIE, sessionId, sessionCookieOptions);
    // #region task-31
    // Production: the owner hears of it, in case the one logged in was not them; the answer does not wait for the mail.
    if (app.profile === 'production') notifyPasswordChanged(app, request, user.email, 'change');
    // #endregion
    return { email: user.email, message: 'Password updated' };
  });
  // #stub
  // app.put('/password', async () => {
  //   throw new TaskNotDoneError(30, 'declare `PUT /password` in src/routes/password.ts (session cookie, current_password and new_password, changePassword, a new session cookie) and map ERR_WEAK_PASSWORD and ERR_WRONG_PASSWORD in src/plugins/errors.ts');
  // });
  // #endregion
};

export default password;
