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
  // Written apart from the recorded ones above, against the page alone.
  {
    name: 'matches the account by the email column, as stored (letter case counts)',
    file: 'packages/db/src/db.ts',
    find: `      const canonical = canonicalOrNull(email);\n      if (canonical === null) return null;\n      query.where('canonical_email', canonical);\n`,
    replace: `      query.where('email', email);\n`,
  },
  {
    name: 'lower-cases the email instead of taking its canonical form',
    file: 'packages/db/src/db.ts',
    find: `      const canonical = canonicalOrNull(email);\n      if (canonical === null) return null;\n      query.where('canonical_email', canonical);\n`,
    replace: `      query.where('canonical_email', email.toLowerCase());\n`,
  },
  {
    name: 'takes canonicalEmail, which throws for an address no account can have',
    file: 'packages/db/src/db.ts',
    find: `      const canonical = canonicalOrNull(email);\n      if (canonical === null) return null;\n`,
    replace: `      const canonical = canonicalEmail(email);\n`,
  },
  {
    name: 'ends the session but leaves its times and the token\'s time in the row',
    file: 'packages/db/src/db.ts',
    find: '.patch({ hashedPassword, resetToken: null, resetCreatedAt: null, sessionId: null, sessionCreatedAt: null, sessionSeenAt: null })',
    replace: '.patch({ hashedPassword, resetToken: null, sessionId: null })',
  },
  {
    name: 'computes the cutoff with the lifetime in seconds taken as milliseconds',
    file: 'packages/auth/src/auth.ts',
    find: 'new Date(this.#clock().getTime() - this.#resetTokenLifetime * 1000)',
    replace: 'new Date(this.#clock().getTime() - this.#resetTokenLifetime)',
  },
] satisfies WrongAnswer[];
