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
] satisfies WrongAnswer[];
