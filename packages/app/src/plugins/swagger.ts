import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { SESSION_COOKIE } from './cookies.ts';

/**
 * The OpenAPI description, made from the routes' schemas: the document at
 * `/openapi.json`, an interactive page at `/docs` (its assets come from the
 * package, nothing is fetched from the network). Registered before the routes,
 * so it sees every one of them. The production profile leaves both out.
 */
export interface SwaggerPluginOptions {
  /** Serve `/docs` and `/openapi.json` (on unless said otherwise; the production profile says otherwise). */
  docs?: boolean | undefined;
}

export default fp<SwaggerPluginOptions>(
  async (app, options) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'hallpass',
          description: 'A user-authentication service: sign-up, log-in sessions in a cookie, password reset.',
          version: '0.1.0',
        },
        tags: [
          { name: 'service', description: 'The service itself' },
          { name: 'users', description: 'Accounts' },
          { name: 'sessions', description: 'Logging in and out' },
          { name: 'password', description: 'Resetting a forgotten password, changing a known one' },
        ],
        components: {
          securitySchemes: {
            session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Set by POST /sessions.' },
          },
        },
      },
    });
    // #region task-28
    // In production the map of the API is not handed to every visitor.
    if (options.docs === false) return;
    // #stub
    // // /docs is served in every profile.
    // #endregion
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'hallpass-swagger', fastify: '5.x' },
);
