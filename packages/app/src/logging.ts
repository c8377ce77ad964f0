import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
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
    // The route that answered (`/sessions/:id`), to count requests by route; absent for a 404.
    route: request.routeOptions.url,
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

/** What went wrong with a request that failed, for its one log line (`recordFailure`). */
interface Failure {
  /** `error` for the service's own failures (5xx), `info` for the client's (4xx). */
  level: 'info' | 'error';
  /** The line's message: `request completed`, or what failed (`request failed`, `database unavailable`). */
  msg: string;
  /** Added to the line: `err`, the whole error with its stack, for a 5xx; `database`, a database error by its code, table and constraint (never its message or values), for a 5xx; `error`, its code and the message the client read, for a 4xx. */
  fields: { err: unknown } | { error: { code: string | undefined; message: string } } | { database: unknown };
}

const failures = new WeakMap<FastifyRequest, Failure>();

/**
 * Notes why a request failed. The error handler calls it rather than writing a
 * line of its own, so the request's one line (`RequestLog`) carries the error
 * with the status, the time and the request id.
 */
export function recordFailure(request: FastifyRequest, failure: Failure): void {
  failures.set(request, failure);
}

/**
 * One log line per request, written when its answer has gone out: method, URL
 * (secrets hidden), route, client address, status, time taken in ms and the
 * request id, plus the error when it failed. Fastify's own request logging
 * writes two lines (`incoming request` when it arrives, `request completed` when
 * it is answered); the arrival line is kept at `debug` only, for following a
 * request that never completes.
 */
export class RequestLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { req: request, res: reply, responseTime: Math.round(reply.elapsedTime * 100) / 100 };
    const failure = failures.get(request);
    /* c8 ignore next - the socket failed while the answer was being written: not something a test can provoke */
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else if (failure === undefined) reply.log.info(line, 'request completed');
    else reply.log[failure.level]({ ...line, ...failure.fields }, failure.msg);
  }

  /** A 404's line says so already (status 404, the URL): no second line. */
  override routeNotFound(): void {}
}

/** A log line as pino-pretty hands it to `prettyMessage`. */
interface PrettyLine {
  msg?: unknown;
  reqId?: unknown;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  error?: { code?: string; message?: string };
}

/**
 * The text of a pretty line: a request's line reads `GET /profile 200 1.2 ms`
 * (and the error's code and message when it failed), other lines their message;
 * each ends with the first 8 characters of its request id, enough to tell a
 * request's lines apart in a terminal.
 */
export function prettyMessage(log: Record<string, unknown>): string {
  const { msg, reqId, req, res, responseTime, error } = log as PrettyLine;
  let text = String(msg ?? '');
  if (req !== undefined && res !== undefined) {
    text = `${req.method} ${req.url} ${res.statusCode} ${responseTime} ms`;
    if (error !== undefined) text += ` ${error.code}: ${error.message}`;
    else if (msg !== 'request completed') text += ` ${String(msg)}`;
  }
  return typeof reqId === 'string' ? `${text} (${reqId.slice(0, 8)})` : text;
}

/** Whether log lines are for a person: `LOG_FORMAT` when set, else pretty on a terminal outside production. */
export function isPretty(format: 'pretty' | 'json' | undefined, profile: 'course' | 'production', terminal: boolean): boolean {
  return format === undefined ? profile !== 'production' && terminal : format === 'pretty';
}

/**
 * The server's logger: JSON lines on standard output, or lines for a person
 * (pino-pretty, loaded only then: production and the bench load none of it).
 */
export async function serverLogger(level: string, pretty: boolean, destination: NodeJS.WritableStream = process.stdout): Promise<{ level: string; stream?: NodeJS.WritableStream }> {
  if (!pretty) return { level };
  const { default: pinoPretty } = await import('pino-pretty');
  const stream = pinoPretty({
    destination,
    // Written before the process moves on, as the JSON lines are: none is lost when it exits.
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    // The request's fields are in its message; the rest of a line's fields follow it on the same line.
    ignore: 'pid,hostname,reqId,req,res,responseTime,error',
    messageFormat: prettyMessage,
    singleLine: true,
    // A 5xx's `err` is printed whole, stack and all; a 4xx's `error` is only its code and message, in the message.
    errorLikeObjectKeys: ['err'],
  });
  return { level, stream };
}

/** The start line: where the service listens, and the pages worth opening there (`/docs` only when it is served). */
export function listeningLine(address: string, docs: boolean): string {
  const pages = [`${address}/ (the API)`, `${address}/try (try it in a browser)`, ...(docs ? [`${address}/docs (the API's reference)`] : [])];
  return `Server listening at ${address}: ${pages.join(', ')}`;
}
