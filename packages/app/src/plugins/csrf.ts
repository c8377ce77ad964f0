import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { audit } from './audit.ts';

export interface CsrfPluginOptions {
  /** The origin browsers use when the service sits behind a proxy (`https://auth.example.com`); the request's own scheme and Host always count. */
  publicOrigin?: string | undefined;
}

/** Methods that change state: only these are checked; `GET` and `HEAD` must stay harmless. */
const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Cross-site request forgery: a hostile page makes the victim's browser send a
 * request, cookie included. Browsers say where a request comes from
 * (`Sec-Fetch-Site`, `Origin`); a state-changing request from another site is
 * refused before anything runs. Clients that send neither header (curl, scripts,
 * the end-to-end client) are not browsers acting for a page, and are served.
 */
export default fp<CsrfPluginOptions>(
  async (app, options) => {
    const check = async (request: FastifyRequest, reply: FastifyReply) => {
      /* c8 ignore next - only a route declared for GET and POST alike would bring a safe method here; the service has none */
      if (!stateChanging.has(request.method)) return;
      // #region task-26
      const refusal = crossSiteReason(request, options.publicOrigin);
      if (refusal !== null) return refuse(request, reply, refusal);
      // #stub
      // // Every request is served, wherever it comes from.
      // #endregion
    };
    // Only the routes of state-changing methods get the check: a GET pays nothing for it.
    app.addHook('onRoute', (route) => {
      const methods = ([] as string[]).concat(route.method);
      if (!methods.some((method) => stateChanging.has(method))) return;
      // First among the route's own hooks (after the global ones: headers and cookies, which change nothing).
      const own = route.onRequest;
      /* c8 ignore next - no route of the service has onRequest hooks of its own; kept so one added later still runs */
      route.onRequest = (own === undefined ? [check] : [check].concat(own as never)) as typeof own;
    });
  },
  { name: 'hallpass-csrf', fastify: '5.x' },
);

// #region task-26
/** Why the request is cross-site, or `null` when it is not (OWASP CSRF cheat sheet: fetch metadata, then the Origin header). */
export function crossSiteReason(request: FastifyRequest, publicOrigin?: string): string | null {
  if (request.headers['sec-fetch-site'] === 'cross-site') return 'the browser marked it Sec-Fetch-Site: cross-site';
  const origin = request.headers.origin;
  if (origin === undefined) return null;
  const claimed = origin.toLowerCase();
  if (claimed === ownOrigin(request) || claimed === publicOrigin) return null;
  return 'its Origin is not this service';
}

/** The origin the request was sent to: its scheme and its `Host` header (with the port, as browsers write `Origin`). */
function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`.toLowerCase();
}

function refuse(request: FastifyRequest, reply: FastifyReply, reason: string) {
  audit(request, 'csrf.refused');
  return reply.status(403).send({
    statusCode: 403,
    code: 'ERR_CROSS_SITE',
    error: 'Forbidden',
    message: `cross-site request refused: ${reason}`,
  });
}
// #endregion
