import type { WrongAnswer } from '../src/wrong-answers.ts';

export default [
  {
    name: 'an absolute limit only, no idle limit',
    file: 'packages/auth/src/auth.ts',
    find: 'return age >= limits.absolute * 1000 || idle >= limits.idle * 1000;',
    replace: 'return age >= limits.absolute * 1000;',
  },
  {
    name: 'an idle limit only, no absolute limit',
    file: 'packages/auth/src/auth.ts',
    find: 'return age >= limits.absolute * 1000 || idle >= limits.idle * 1000;',
    replace: 'return idle >= limits.idle * 1000;',
  },
  {
    name: 'a use does not restart the idle limit',
    file: 'packages/auth/src/auth.ts',
    find: '      await this.#db.updateUser(user.id, { sessionSeenAt: now });\n',
    replace: '',
  },
  {
    name: 'reads the limits as minutes',
    file: 'packages/auth/src/auth.ts',
    find: 'return age >= limits.absolute * 1000 || idle >= limits.idle * 1000;',
    replace: 'return age >= limits.absolute * 60_000 || idle >= limits.idle * 60_000;',
  },
  {
    name: 'a session is still open at the very limit',
    file: 'packages/auth/src/auth.ts',
    find: 'return age >= limits.absolute * 1000 || idle >= limits.idle * 1000;',
    replace: 'return age > limits.absolute * 1000 || idle > limits.idle * 1000;',
  },
  {
    name: 'a session without its times counts as open',
    file: 'packages/auth/src/auth.ts',
    find: '  if (user.sessionCreatedAt === null || user.sessionSeenAt === null) return true;',
    replace: '  if (user.sessionCreatedAt === null || user.sessionSeenAt === null) return false;',
  },
  {
    name: 'reset tokens never expire',
    file: 'packages/auth/src/auth.ts',
    find: '  return now.getTime() - user.resetCreatedAt.getTime() >= lifetime * 1000;',
    replace: '  return now.getTime() < 0 && lifetime < 0;',
  },
  {
    name: 'a reset token is issued without its time',
    file: 'packages/auth/src/auth.ts',
    find: 'await this.#db.updateUser(user.id, { resetToken: hashToken(resetToken), resetCreatedAt: this.#clock() });',
    replace: 'await this.#db.updateUser(user.id, { resetToken: hashToken(resetToken) });',
  },
  // Written apart from the recorded ones above, against the page alone.
  {
    name: 'a session without its last use counts as used at its start',
    file: 'packages/auth/src/auth.ts',
    find: `  if (user.sessionCreatedAt === null || user.sessionSeenAt === null) return true;
  const age = now.getTime() - user.sessionCreatedAt.getTime();
  const idle = now.getTime() - user.sessionSeenAt.getTime();`,
    replace: `  if (user.sessionCreatedAt === null) return true;
  const age = now.getTime() - user.sessionCreatedAt.getTime();
  const idle = now.getTime() - (user.sessionSeenAt ?? user.sessionCreatedAt).getTime();`,
  },
  {
    name: 'a new login keeps the start of the session it replaces',
    file: 'packages/auth/src/auth.ts',
    find: '{ sessionId: hashToken(sessionId), sessionCreatedAt: now, sessionSeenAt: now }',
    replace: '{ sessionId: hashToken(sessionId), sessionCreatedAt: user.sessionCreatedAt ?? now, sessionSeenAt: now }',
  },
  {
    name: 'records a use with the system clock, not the configured one',
    file: 'packages/auth/src/auth.ts',
    find: 'await this.#db.updateUser(user.id, { sessionSeenAt: now });',
    replace: 'await this.#db.updateUser(user.id, { sessionSeenAt: new Date() });',
  },
  {
    name: "measures a reset token's age against the session's idle limit",
    file: 'packages/auth/src/auth.ts',
    find: 'isResetTokenExpired(user, this.#clock(), this.#resetTokenLifetime)',
    replace: 'isResetTokenExpired(user, this.#clock(), this.#sessionLimits.idle)',
  },
] satisfies WrongAnswer[];
