import type { WrongAnswer } from '../src/wrong-answers.ts';

export default [
  {
    name: 'an unknown email returns at once',
    file: 'packages/auth/src/auth.ts',
    find: `    if (user === null) {
      this.#dummyHash ??= hashPassword(generateUuid(), { cost: this.#bcryptCost });
      await verifyPassword(password, await this.#dummyHash);
      return false;
    }`,
    replace: '    if (user === null) return false;',
  },
  {
    name: 'makes a new dummy hash for every unknown email',
    file: 'packages/auth/src/auth.ts',
    find: 'this.#dummyHash ??= hashPassword(',
    replace: 'this.#dummyHash = hashPassword(',
  },
  {
    name: 'the dummy hash has a fixed cost, not the configured one',
    file: 'packages/auth/src/auth.ts',
    find: 'hashPassword(generateUuid(), { cost: this.#bcryptCost })',
    replace: 'hashPassword(generateUuid(), { cost: 10 })',
  },
  {
    name: 'hashes the password instead of comparing it',
    file: 'packages/auth/src/auth.ts',
    find: '      await verifyPassword(password, await this.#dummyHash);',
    replace: '      await this.#dummyHash;\n      await hashPassword(password, { cost: this.#bcryptCost });',
  },
] satisfies WrongAnswer[];
