import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TaskNotDoneError } from '@hallpass/db';
import { NoSessionError } from '../errors.ts';
import { sessionIdOf } from '../plugins/cookies.ts';
import { errorResponse } from '../schemas.ts';

const schema = {
  summary: 'The logged-in user\'s profile',
  tags: ['users'],
  security: [{ session: [] }],
  response: {
    200: Type.Object({ email: Type.String() }, { description: 'The email of the session\'s user, as registered' }),
    403: errorResponse('No session_id cookie, or one that matches no session'),
  },
};

/** `GET /profile`: who the session belongs to (the original's `profile()` view). */
const profile: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/profile', { schema }, async (request) => {
    // #region task-15
    const user = await app.auth.getUserFromSessionId(sessionIdOf(request));
    if (user === null) throw new NoSessionError();
    return { email: user.email };
    // #stub
    // throw new TaskNotDoneError(15, 'make `GET /profile` answer {"email": …} for the user of the `session_id` cookie, or 403');
    // #endregion
  });
};

export default profile;
