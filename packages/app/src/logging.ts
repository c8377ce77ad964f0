import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyRequest, FastifyServerOptions } from 'fastify';
import { redact } from '@hallpass/db';

/** The header that carries a request's id in both directions (a load balancer's or the client's, else ours). */
export const REQUEST_ID_HEADER = 'x-request-id';

/** What an id we accept looks like: a UUID, a trace id, a short token. Anything else could forge log lines or bloat them. */
const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id: the `X-Request-Id` it came with when that is well-formed, a new UUID otherwise. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && acceptableRequestId.test(given) ? given : randomUUID();
}

/** Headers that carry sessions or credentials never reach the logs. */
const redactedPaths = ['req.headers.cookie', 'req.headers.authorization', 'req.headers["proxy-authorization"]', 'res.headers["set-cookie"]'];

/**
 * A logged request: its URL with credentials hidden (a `?password=` or
 * `?token=` a client put in the query string) and the address it came from.
 */
function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactPath(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket.remotePort,
  };
}

/** `redact` for a path and query (what a request line holds): secrets in the query string hidden. */
export function redactPath(path: string): string {
  if (!path.includes('?')) return path;
  // Parsed under a placeholder origin: whatever the path holds, it stays the path and query.
  return redact(`http://x${path.startsWith('/') ? '' : '/'}${path}`).slice('http://x'.length);
}

/** Fastify's logger setting with the service's redaction added; `false` stays off. */
export function loggerOptions(logger: NonNullable<FastifyServerOptions['logger']>): FastifyServerOptions['logger'] {
  if (logger === false) return false;
  const given: Exclude<typeof logger, boolean> = logger === true ? {} : logger;
  return {
    ...given,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: { ...given.serializers, req: serializeRequest },
  };
}
