import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { DB } from '@hallpass/db';
import root from './routes/root.ts';

export interface AppOptions {
  /** The opened database; the caller owns it and closes it. */
  db: DB;
  /** Fastify's logger setting: `false` in tests, pino options in the server. */
  logger?: FastifyServerOptions['logger'];
}

/** Registers the service's plugins and routes on a Fastify instance. */
export async function app(instance: FastifyInstance, options: AppOptions): Promise<void> {
  instance.decorate('db', options.db);
  await instance.register(root);
}

/** A ready-to-use Fastify instance of the service: `inject()` it in tests, `listen()` it in the server. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const instance = Fastify({ logger: options.logger ?? false });
  await app(instance, options);
  return instance;
}

declare module 'fastify' {
  interface FastifyInstance {
    db: DB;
  }
}
