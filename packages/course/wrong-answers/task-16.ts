import type { WrongAnswer } from '../src/wrong-answers.ts';

export default [
  {
    name: 'returns the token but does not store it',
    file: 'packages/auth/src/auth.ts',
    find: '    await this.#db.updateUser(user.id, { resetToken });\n',
    replace: '',
  },
  {
    name: 'stores one token and returns another',
    file: 'packages/auth/src/auth.ts',
    find: '    await this.#db.updateUser(user.id, { resetToken });\n',
    replace: '    await this.#db.updateUser(user.id, { resetToken: generateUuid() });\n',
  },
  {
    name: 'an unknown email is not an UnknownEmailError',
    file: 'packages/auth/src/auth.ts',
    find: '    if (user === null) throw new UnknownEmailError(email);\n',
    replace: `    if (user === null) throw new Error('unknown email');\n`,
  },
  {
    name: 'keeps the first token instead of issuing a new one',
    file: 'packages/auth/src/auth.ts',
    find: '    const resetToken = generateUuid();',
    replace: '    const resetToken = user.resetToken ?? generateUuid();',
  },
] satisfies WrongAnswer[];
