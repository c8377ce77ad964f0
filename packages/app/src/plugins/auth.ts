import fp from 'fastify-plugin';
import { Auth, bcryptSlots, type PasswordPolicy } from '@hallpass/auth';
import type { Expiry } from '../config.ts';

export interface AuthPluginOptions {
  /** bcrypt's work factor; the library's default (12) when absent. Tests use 4. */
  bcryptCost?: number | undefined;
  /** bcrypt jobs that may wait at once (`BCRYPT_MAX_QUEUE`); the library's default (16 per core) when absent. */
  bcryptMaxQueue?: number | undefined;
  /** Session and reset-token lifetimes in seconds; the library's defaults (30 minutes idle, 12 hours in all, 15 minutes) for any left out. */
  expiry?: Partial<Expiry> | undefined;
  /** How many live sessions one user may hold at once; the library's default (20) when absent. */
  maxSessions?: number | undefined;
  /** Where the time comes from; the system clock when absent. Tests pass a clock they move by hand. */
  clock?: (() => Date) | undefined;
  /** The rule new passwords follow; the library's default (`basic`) when absent. */
  passwordPolicy?: PasswordPolicy | undefined;
}

/** Decorates the instance with `auth`, the authentication library bound to `app.db`. */
export default fp<AuthPluginOptions>(
  async (app, options) => {
    const { bcryptCost, bcryptMaxQueue, maxSessions, clock, passwordPolicy } = options;
    app.decorate('auth', new Auth(app.db, { bcryptCost, ...options.expiry, maxSessions, clock, passwordPolicy }));
    // bcrypt's queue is the process's, as its CPU is: the service sets its limit, and puts the previous one back when it closes.
    if (bcryptMaxQueue !== undefined) {
      const previous = bcryptSlots.maxWaiting;
      bcryptSlots.maxWaiting = bcryptMaxQueue;
      app.addHook('onClose', async () => {
        bcryptSlots.maxWaiting = previous;
      });
    }
  },
  { name: 'hallpass-auth', fastify: '5.x', dependencies: ['hallpass-db'] },
);

declare module 'fastify' {
  interface FastifyInstance {
    auth: Auth;
  }
}
