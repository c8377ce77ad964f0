import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyHttpOptions, FastifyInstance } from 'fastify';
import type { Config } from './config.ts';

type Limits = Pick<Config, 'requestTimeoutMs' | 'headersTimeoutMs' | 'keepAliveTimeoutMs' | 'idleTimeoutMs'> & Partial<Pick<Config, 'trustProxy'>>;

/**
 * The HTTP server's limits, set on purpose rather than left to Node's defaults
 * (no request timeout at all before Node 18, 5 minutes after): a client that
 * sends its request one byte at a time would otherwise hold a connection for as
 * long as it likes, and enough of them exhaust the process.
 */
export function serverOptions(config: Limits): FastifyHttpOptions<Server> {
  return {
    // The whole request, headers and body, must have arrived by then: 408 and the connection closed.
    requestTimeout: config.requestTimeoutMs,
    // A socket on which nothing moves at all is closed.
    connectionTimeout: config.idleTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // Behind a proxy (TRUST_PROXY), the client's address comes from X-Forwarded-For, so rate limits and audit
    // lines see the client, not the proxy. Off by default: anyone can send that header.
    trustProxy: config.trustProxy ?? false,
    http: {
      headersTimeout: config.headersTimeoutMs,
      // Node checks the two timeouts above on a timer (every 30 s by default); check often enough to honour them.
      connectionsCheckingInterval: Math.min(1_000, config.headersTimeoutMs),
    },
    clientErrorHandler,
  };
}

/**
 * A connection broke the protocol or ran out of time before its request was
 * whole. Answers as Node would (408, 431 or 400, then closes) and logs it: a
 * slow client is an operator's business, not a trace-level detail.
 */
function clientErrorHandler(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  // The client went away (reset): there is nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const message =
    status === 408 ? 'the request did not arrive in time' : status === 431 ? 'the request headers are too large' : 'the request is not valid HTTP';
  this.log.warn({ code: error.code, statusCode: status, remoteAddress: socket.remoteAddress }, `client cut off: ${message}`);
  if (socket.writable) {
    const body = JSON.stringify({ statusCode: status, error: STATUS_CODES[status], message });
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}
