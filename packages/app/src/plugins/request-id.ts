import fp from 'fastify-plugin';
import { REQUEST_ID_HEADER } from '../logging.ts';

/**
 * Every answer carries the request's id (`X-Request-Id`), the same one its log
 * lines carry (`reqId`): a client or a proxy quoting it finds the request in the
 * logs. The id itself is chosen by `requestIdOf` when the request arrives.
 */
export default fp(
  async (app) => {
    // A callback, not an async function: no promise to make and settle on every request.
    app.addHook('onRequest', (request, reply, done) => {
      reply.header(REQUEST_ID_HEADER, request.id);
      done();
    });
  },
  { name: 'hallpass-request-id', fastify: '5.x' },
);
