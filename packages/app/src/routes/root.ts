import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TaskNotDoneError } from '@hallpass/db';

/** Given: what the OpenAPI document says about `GET /`; the 200 schema also shapes the answer. */
const docs = {
  summary: 'Greets the caller',
  tags: ['service'],
  response: { 200: Type.Object({ message: Type.String() }) },
};

/** `GET /`: the welcome message (the original's `index` view). */
const root: FastifyPluginAsyncTypebox = async (app) => {
  // #region task-06
  app.get('/', { schema: docs }, async () => ({ message: 'Bienvenue' }));
  // #stub
  // app.get('/', async () => {
  //   throw new TaskNotDoneError(6, 'declare `GET /` in src/routes/root.ts: it answers {"message": "Bienvenue"}');
  // });
  // #endregion
};

export default root;
