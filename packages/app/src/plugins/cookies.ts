import cookie from '@fastify/cookie';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** The cookie that carries the session token, as the original names it (and as the routes write it). */
export const SESSION_COOKIE = 'session_id';

/** `Path=/; HttpOnly; SameSite=Lax`: sent on every path, unreadable by scripts, withheld from cross-site subrequests. */
export const sessionCookieOptions: CookieSerializeOptions = { path: '/', httpOnly: true, sameSite: 'lax' };

/** The session cookie's name in the production profile: only a secure page of this very host can set it. */
export const HOST_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

/** A token is printable ASCII and fits the column; anything else cannot be a session, so it is never looked up. */
const plausibleToken = /^[\x21-\x7e]{1,250}$/;

/** The session token the client sent, or `null` when there is none worth looking up. */
export function sessionIdOf(request: FastifyRequest): string | null {
  const value = request.cookies[request.server.sessionCookieName];
  return value !== undefined && plausibleToken.test(value) ? value : null;
}

export interface CookiesPluginOptions {
  /** `production` sends the session cookie as `__Host-session_id` with `Secure`. */
  profile?: 'course' | 'production' | undefined;
}

/** Parses the `Cookie` header into `request.cookies` and lets replies set cookies. */
export default fp<CookiesPluginOptions>(
  async (app, options) => {
    await app.register(cookie);
    app.decorate('sessionCookieName', SESSION_COOKIE);
    // #region task-26
    if (options.profile === 'production') {
      app.sessionCookieName = HOST_SESSION_COOKIE;
      // Runs after @fastify/cookie's own onSend hook has written the Set-Cookie header.
      app.addHook('onSend', async (_request, reply) => {
        const header = reply.getHeader('set-cookie');
        if (header === undefined) return;
        // `reply.header` appends to Set-Cookie: take the old value off first.
        reply.removeHeader('set-cookie');
        reply.header('set-cookie', ([] as unknown[]).concat(header).map((value) => hostPrefixed(String(value))));
      });
    }
    // #stub
    // // The production profile changes nothing: the cookie is `session_id`, without `Secure`.
    // #endregion
  },
  { name: 'hallpass-cookies', fastify: '5.x' },
);

// #region task-26
/**
 * The session cookie as production sends it: `Secure` (never over plain HTTP) and
 * `__Host-` (the browser refuses it unless it is `Secure`, has `Path=/` and no
 * `Domain`, so a sibling subdomain or an HTTP page cannot plant a session).
 */
function hostPrefixed(setCookie: string): string {
  return setCookie.replace(/^session_id=(.*)$/s, `${HOST_SESSION_COOKIE}=$1; Secure`);
}
// #endregion

declare module 'fastify' {
  interface FastifyInstance {
    /** `session_id`, or `__Host-session_id` in the production profile. */
    sessionCookieName: string;
  }
}
