import formbody from '@fastify/formbody';
import fp from 'fastify-plugin';

/**
 * Request bodies: JSON is Fastify's own; form-encoded bodies (what the original's
 * clients send) are parsed here. Anything else is a 415, anything over the
 * app's `bodyLimit` a 413, before a route sees it.
 */
export default fp(
  async (app) => {
    await app.register(formbody);
    // Fastify reads text/plain by default; the contract accepts JSON and forms only, so it is a 415.
    app.removeContentTypeParser('text/plain');
  },
  { name: 'hallpass-body', fastify: '5.x' },
);
