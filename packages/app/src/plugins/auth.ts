import fp from 'fastify-plugin';
import { Auth } from '@hallpass/auth';

export interface AuthPluginOptions {
  /** bcrypt's work factor; the library's default (12) when absent. Tests use 4. */
  bcryptCost?: number | undefined;
}

/** Decorates the instance with `auth`, the authentication library bound to `app.db`. */
export default fp<AuthPluginOptions>(
  async (app, options) => {
    app.decorate('auth', new Auth(app.db, { bcryptCost: options.bcryptCost }));
  },
  { name: 'hallpass-auth', fastify: '5.x', dependencies: ['hallpass-db'] },
);

declare module 'fastify' {
  interface FastifyInstance {
    auth: Auth;
  }
}
