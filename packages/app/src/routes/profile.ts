import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TaskNotDoneError } from '@hallpass/db';
import { NoSessionError } from '../errors.ts';
import { sessionIdOf } from '../plugins/cookies.ts';
import { errorResponse } from '../schemas.ts';

/** Given: what the OpenAPI document says about `GET /profile`; the 200 schema also shapes the answer. */
const docs = {
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
  // #region task-15
  app.get('/profile', { schema: docs }, async (request) => {
    const user = await app.auth.getUserFromSessionId(sessionIdOf(request));
    if (user === null) throw new NoSessionError();
    return { email: user.email };
  });
  // #stub
  // app.get('/profile', async () => {
  //   throw new TaskNotDoneError(15, 'declare `GET /profile` in src/routes/profile.ts: {"email": …} of the `session_id` cookie\'s user, or 403');
  // });
  // #endregion
};

export default profile;
