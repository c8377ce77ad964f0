import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import type { FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import { REQUEST_ID_HEADER, requestIdOf } from '../logging.ts';

/**
 * Fastify's `genReqId` for a service behind the proxies `trustProxy` names (as
 * Fastify's own option): a request's `X-Request-Id` is kept only when the
 * connection comes from one of them, which set it or passed on a tracer's.
 * From anyone else it is replaced by a new UUID: a client choosing its own id
 * could give its requests another request's id and muddle the log an incident
 * is traced through.
 */
export function requestIdGenerator(trustProxy: FastifyServerOptions['trustProxy']): (request: IncomingMessage) => string {
  const trusted = trustedPeer(trustProxy);
  return (request) => (trusted(request.socket.remoteAddress ?? '') ? requestIdOf(request) : randomUUID());
}

/** Whether a connection from `address` comes from a trusted proxy, as Fastify reads `trustProxy`. */
function trustedPeer(trustProxy: FastifyServerOptions['trustProxy']): (address: string) => boolean {
  if (trustProxy === undefined || trustProxy === false) return () => false;
  if (trustProxy === true) return () => true;
  if (typeof trustProxy === 'function') return (address) => trustProxy(address, 0);
  const compiled = proxyAddr.compile(typeof trustProxy === 'string' ? trustProxy.split(',').map((entry) => entry.trim()) : trustProxy);
  return (address) => compiled(address, 0);
}

/**
 * Every answer carries the request's id (`X-Request-Id`), the same one its log
 * lines carry (`reqId`): a client or a proxy quoting it finds the request in the
 * logs. The id itself is chosen when the request arrives (`requestIdGenerator`).
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
