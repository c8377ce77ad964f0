import fp from 'fastify-plugin';
import type { DB } from '@hallpass/db';

export interface DBPluginOptions {
  /** The opened database; whoever opened it closes it. */
  db: DB;
}

/** Decorates the instance with `db`, the data layer every route and plugin shares. */
export default fp<DBPluginOptions>(
  async (app, options) => {
    app.decorate('db', options.db);
  },
  { name: 'hallpass-db', fastify: '5.x' },
);

declare module 'fastify' {
  interface FastifyInstance {
    db: DB;
  }
}
