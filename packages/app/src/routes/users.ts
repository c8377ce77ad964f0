import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TaskNotDoneError } from '@hallpass/db';
import { Email, Password, badRequest, bodyTypes, errorResponse, trimEmail } from '../schemas.ts';

const schema = {
  summary: 'Signs up: creates an account',
  tags: ['users'],
  consumes: bodyTypes,
  body: Type.Object({ email: Email, password: Password }),
  response: {
    200: Type.Object({ email: Type.String(), message: Type.String() }, { description: 'The account exists; `email` is the one sent, trimmed' }),
    400: errorResponse(`${badRequest}; or exactly {"message":"email already registered"}`),
  },
};

/** `POST /users`: sign up (the original's `users()` view). */
const users: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/users', { schema, preValidation: trimEmail }, async (request) => {
    // #region task-07
    const { email, password } = request.body;
    await app.auth.registerUser(email, password);
    return { email, message: 'user created' };
    // #stub
    // throw new TaskNotDoneError(7, 'make `POST /users` register the account with `app.auth.registerUser` and answer {"email": …, "message": "user created"}');
    // #endregion
  });
};

export default users;
