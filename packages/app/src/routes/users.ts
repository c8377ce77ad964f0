import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TaskNotDoneError } from '@hallpass/db';
import { Email, Password, badRequest, bodyTypes, errorResponse, trimEmail } from '../schemas.ts';

/** Given: what the OpenAPI document says about `POST /users`; the 200 schema also shapes the answer. The body schema is the route's own. */
const docs = {
  summary: 'Signs up: creates an account',
  tags: ['users'],
  consumes: bodyTypes,
  response: {
    200: Type.Object({ email: Type.String(), message: Type.String() }, { description: 'The account exists; `email` is the one sent, trimmed' }),
    400: errorResponse(`${badRequest}; or exactly {"message":"email already registered"}`),
  },
};

/** `POST /users`: sign up (the original's `users()` view). */
const users: FastifyPluginAsyncTypebox = async (app) => {
  // #region task-07
  const body = Type.Object({ email: Email, password: Password });
  app.post('/users', { schema: { ...docs, body }, preValidation: trimEmail }, async (request) => {
    const { email, password } = request.body;
    await app.auth.registerUser(email, password);
    return { email, message: 'user created' };
  });
  // #stub
  // app.post('/users', async () => {
  //   throw new TaskNotDoneError(7, 'declare `POST /users` in src/routes/users.ts (body schema, registerUser, {"email": …, "message": "user created"}) and map ERR_USER_EXISTS in src/plugins/errors.ts');
  // });
  // #endregion
};

export default users;
