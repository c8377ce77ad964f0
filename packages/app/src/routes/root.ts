import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TaskNotDoneError } from '@hallpass/db';

const schema = {
  summary: 'Greets the caller',
  tags: ['service'],
  response: { 200: Type.Object({ message: Type.String() }) },
};

/** `GET /`: the welcome message (the original's `index` view). */
const root: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', { schema }, async () => {
    // #region task-06
    return { message: 'Bienvenue' };
    // #stub
    // throw new TaskNotDoneError(6, 'make `GET /` answer {"message": "Bienvenue"}');
    // #endregion
  });
};

export default root;
