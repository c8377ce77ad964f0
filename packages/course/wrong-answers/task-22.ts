import type { WrongAnswer } from '../src/wrong-answers.ts';

export default [
  {
    name: 'stores the session id as given',
    file: 'packages/auth/src/auth.ts',
    find: 'await this.#db.updateUser(user.id, { sessionId: hashToken(sessionId) });',
    replace: 'await this.#db.updateUser(user.id, { sessionId });',
  },
  {
    name: 'stores the reset token as given',
    file: 'packages/auth/src/auth.ts',
    find: 'await this.#db.updateUser(user.id, { resetToken: hashToken(resetToken) });',
    replace: 'await this.#db.updateUser(user.id, { resetToken });',
  },
  {
    name: 'looks a session up without checking the shape of the value first',
    file: 'packages/auth/src/auth.ts',
    find: '    if (!isWellFormedToken(sessionId)) return null;\n',
    replace: '',
  },
  {
    name: 'looks a reset token up without checking the shape of the value first',
    file: 'packages/auth/src/auth.ts',
    find: '    if (!isWellFormedToken(resetToken)) throw new InvalidResetTokenError();\n',
    replace: '',
  },
  {
    name: 'uses MD5 instead of SHA-256',
    file: 'packages/auth/src/tokens.ts',
    find: `createHash('sha256')`,
    replace: `createHash('md5')`,
  },
  {
    name: 'stores the digest in base64, not hex',
    file: 'packages/auth/src/tokens.ts',
    find: `.digest('hex')`,
    replace: `.digest('base64')`,
  },
  {
    name: 'accepts any UUID, in any case',
    file: 'packages/auth/src/tokens.ts',
    find: 'uuidV4.test(value)',
    replace: '/^[0-9a-f-]{36}$/i.test(value)',
  },
] satisfies WrongAnswer[];
