import { STATUS_CODES } from 'node:http';
import fp from 'fastify-plugin';

export interface HostsPluginOptions {
  /** The host names requests may name (`ALLOWED_HOSTS`, or `PUBLIC_ORIGIN`'s host in production); every host when absent. */
  allowedHosts?: readonly string[] | undefined;
}

/** Probes a load balancer or an orchestrator sends to an instance's own address: they change nothing and reveal only "ok". */
const probes = new Set(['/healthz', '/readyz']);

/**
 * DNS rebinding: a hostile page on `attacker.example` re-points its name at the
 * service, and the victim's browser, thinking it talks to the attacker's own
 * site, sends requests the same-origin rules let its script read. Those
 * requests name the attacker's host, so an allow-list of the service's own
 * names refuses them (421 Misdirected Request) before anything else runs; the
 * CSRF check, which compares `Origin` with the request's host, can then trust it.
 * The host is the request's `Host`, or `X-Forwarded-Host` from a trusted proxy.
 */
export default fp<HostsPluginOptions>(
  async (app, options) => {
    if (options.allowedHosts === undefined) return;
    const allowed = new Set(options.allowedHosts.map((host) => host.toLowerCase()));
    app.addHook('onRequest', async (request, reply) => {
      if (probes.has(request.routeOptions.url ?? '')) return;
      const host = request.hostname.toLowerCase();
      if (allowed.has(host)) return;
      request.log.info({ host: host.slice(0, 100), statusCode: 421 }, 'request for a host this service does not serve');
      return reply.status(421).send({
        statusCode: 421,
        code: 'ERR_MISDIRECTED_REQUEST',
        error: STATUS_CODES[421],
        message: 'this service does not answer for the host this request names',
      });
    });
  },
  { name: 'hallpass-hosts', fastify: '5.x' },
);
