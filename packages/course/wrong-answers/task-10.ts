import type { WrongAnswer } from '../src/wrong-answers.ts';

export default [
  {
    name: 'returns the session id but does not store it',
    file: 'packages/auth/src/auth.ts',
    find: '    await this.#db.updateUser(user.id, { sessionId });\n',
    replace: '',
  },
  {
    name: 'stores one id and returns another',
    file: 'packages/auth/src/auth.ts',
    find: '    await this.#db.updateUser(user.id, { sessionId });\n    return sessionId;',
    replace: '    await this.#db.updateUser(user.id, { sessionId });\n    return generateUuid();',
  },
  {
    name: 'an unknown email is an error instead of null',
    file: 'packages/auth/src/auth.ts',
    find: '    if (user === null) return null;\n    const sessionId = generateUuid();',
    replace: '    if (user === null) throw new Error(`no user ${email}`);\n    const sessionId = generateUuid();',
  },
  {
    name: 'reuses the same session id for every login',
    file: 'packages/auth/src/auth.ts',
    find: '    const sessionId = generateUuid();',
    replace: `    const sessionId = user.sessionId ?? generateUuid();`,
  },
] satisfies WrongAnswer[];
