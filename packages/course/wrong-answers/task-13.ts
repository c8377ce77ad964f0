import type { WrongAnswer } from '../src/wrong-answers.ts';

export default [
  {
    name: 'logout keeps the session',
    file: 'packages/auth/src/auth.ts',
    find: '    await this.#db.updateUser(userId, { sessionId: null });',
    replace: '    await this.#db.findUserBy({ id: userId });',
  },
  {
    name: "ends another user's session",
    file: 'packages/auth/src/auth.ts',
    find: '    await this.#db.updateUser(userId, { sessionId: null });',
    replace: '    await this.#db.updateUser(userId + 1, { sessionId: null }).catch(() => {});',
  },
] satisfies WrongAnswer[];
