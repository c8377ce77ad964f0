import cookie from '@fastify/cookie';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** The cookie that carries the session token, as the original names it. */
export const SESSION_COOKIE = 'session_id';

/** `Path=/; HttpOnly; SameSite=Lax`: sent on every path, unreadable by scripts, withheld from cross-site subrequests. */
export const sessionCookieOptions: CookieSerializeOptions = { path: '/', httpOnly: true, sameSite: 'lax' };

/** A token is printable ASCII and fits the column; anything else cannot be a session, so it is never looked up. */
const plausibleToken = /^[\x21-\x7e]{1,250}$/;

/** The session token the client sent, or `null` when there is none worth looking up. */
export function sessionIdOf(request: FastifyRequest): string | null {
  const value = request.cookies[SESSION_COOKIE];
  return value !== undefined && plausibleToken.test(value) ? value : null;
}

/** Parses the `Cookie` header into `request.cookies` and lets replies set cookies. */
export default fp(
  async (app) => {
    await app.register(cookie);
  },
  { name: 'hallpass-cookies', fastify: '5.x' },
);
