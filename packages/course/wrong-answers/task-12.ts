import type { WrongAnswer } from '../src/wrong-answers.ts';

export default [
  {
    name: 'no guard for a missing id: null finds a user without a session',
    file: 'packages/auth/src/auth.ts',
    find: `    if (typeof sessionId !== 'string' || sessionId === '') return null;\n`,
    replace: '',
  },
  {
    name: 'an unknown session id throws instead of answering null',
    file: 'packages/auth/src/auth.ts',
    find: '    return this.#findUser({ sessionId });',
    replace: '    return this.#db.findUserBy({ sessionId: sessionId as string });',
  },
] satisfies WrongAnswer[];
