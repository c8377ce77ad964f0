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
  // Written apart from the recorded ones above, against the page alone.
  {
    name: 'writes its own pattern, which checks the version digit but not the variant digit',
    file: 'packages/auth/src/tokens.ts',
    find: 'uuidV4.test(value)',
    replace: '/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)',
  },
  {
    name: 'writes its own pattern without the end anchor (a token with more after it passes)',
    file: 'packages/auth/src/tokens.ts',
    find: 'uuidV4.test(value)',
    replace: '/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/.test(value)',
  },
  {
    name: 'hashes the token as latin1 bytes, not UTF-8',
    file: 'packages/auth/src/tokens.ts',
    find: `.update(token, 'utf8')`,
    replace: `.update(token, 'latin1')`,
  },
  {
    name: 'takes a session id in any letter case (UUIDs are case-insensitive, so it lower-cases the cookie)',
    file: 'packages/auth/src/auth.ts',
    find: '    if (!isWellFormedToken(sessionId)) return null;\n',
    replace: '    sessionId = sessionId.toLowerCase();\n    if (!isWellFormedToken(sessionId)) return null;\n',
  },
  {
    name: 'rewrites the reset with digests and forgets to clear the token',
    file: 'packages/auth/src/auth.ts',
    find: '    await this.#db.updateUser(user.id, { hashedPassword, resetToken: null });\n',
    replace: '    await this.#db.updateUser(user.id, { hashedPassword });\n',
  },
] satisfies WrongAnswer[];
