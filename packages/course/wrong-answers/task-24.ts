import type { WrongAnswer } from '../src/wrong-answers.ts';

export default [
  {
    name: 'reads the token, then writes: two steps another request can slip between',
    file: 'packages/auth/src/auth.ts',
    find: `    const userId = await this.#db.consumeResetToken(hashToken(resetToken), hashedPassword, { issuedAfter, email });
    if (userId === null) throw new InvalidResetTokenError();`,
    replace: `    const digest = hashToken(resetToken);
    const user = await this.#findUser(email === undefined ? { resetToken: digest } : { resetToken: digest, email });
    if (user === null || (user.resetCreatedAt ?? issuedAfter) <= issuedAfter) throw new InvalidResetTokenError();
    await this.#db.updateUser(user.id, { hashedPassword, resetToken: null, sessionId: null });`,
  },
  {
    name: 'the password changes but the session stays',
    file: 'packages/db/src/db.ts',
    find: '.patch({ hashedPassword, resetToken: null, resetCreatedAt: null, sessionId: null, sessionCreatedAt: null, sessionSeenAt: null })',
    replace: '.patch({ hashedPassword, resetToken: null, resetCreatedAt: null })',
  },
  {
    name: 'the token is not cleared when it is used',
    file: 'packages/db/src/db.ts',
    find: '.patch({ hashedPassword, resetToken: null, resetCreatedAt: null, sessionId: null, sessionCreatedAt: null, sessionSeenAt: null })',
    replace: '.patch({ hashedPassword, sessionId: null, sessionCreatedAt: null, sessionSeenAt: null })',
  },
  {
    name: 'the UPDATE forgets the account the token was issued to',
    file: 'packages/db/src/db.ts',
    find: `      if (canonical === null) return null;\n      query.where('canonical_email', canonical);\n`,
    replace: '      void canonical;\n',
  },
  {
    name: 'the UPDATE forgets the lifetime',
    file: 'packages/db/src/db.ts',
    find: `      .where('reset_created_at', '>', issuedAfter)\n`,
    replace: '',
  },
] satisfies WrongAnswer[];
