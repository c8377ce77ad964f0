import type { WrongAnswer } from '../src/wrong-answers.ts';

export default [
  {
    name: 'the token stays usable after a reset',
    file: 'packages/auth/src/auth.ts',
    find: '    await this.#db.updateUser(user.id, { hashedPassword, resetToken: null });',
    replace: '    await this.#db.updateUser(user.id, { hashedPassword });',
  },
  {
    name: 'stores the new password in clear',
    file: 'packages/auth/src/auth.ts',
    find: `    const hashedPassword = await hashPassword(password, { cost: this.#bcryptCost });
    // Clearing the token in the same write makes it single-use.`,
    replace: `    const hashedPassword = password;
    // Clearing the token in the same write makes it single-use.`,
  },
  {
    name: 'ignores the email option',
    file: 'packages/auth/src/auth.ts',
    find: 'const user = await this.#findUser(email === undefined ? { resetToken } : { resetToken, email });',
    replace: 'const user = await this.#findUser({ resetToken });',
  },
  {
    name: 'an unknown token is not an InvalidResetTokenError',
    file: 'packages/auth/src/auth.ts',
    find: '    if (user === null) throw new InvalidResetTokenError();\n    const hashedPassword = await hashPassword(password, { cost: this.#bcryptCost });\n    // Clearing',
    replace: `    if (user === null) throw new Error('bad token');\n    const hashedPassword = await hashPassword(password, { cost: this.#bcryptCost });\n    // Clearing`,
  },
] satisfies WrongAnswer[];
