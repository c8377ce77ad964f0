import type { WrongAnswer } from '../src/wrong-answers.ts';

const auth = 'packages/auth/src/auth.ts';

export default [
  {
    name: 'an unknown email returns at once',
    file: auth,
    find: `    if (user === null) {
      // Made on first need and kept; not kept when it failed (bcrypt was too busy): the next unknown email makes it again.
      const dummyHash = (this.#dummyHash ??= hashPassword(generateUuid(), { cost: this.#bcryptCost }));
      dummyHash.catch(() => {
        if (this.#dummyHash === dummyHash) this.#dummyHash = undefined;
      });
      await verifyPassword(password, await dummyHash);
      return false;
    }`,
    replace: '    if (user === null) return false;',
  },
  {
    name: 'makes a new dummy hash for every unknown email',
    file: auth,
    find: 'this.#dummyHash ??= hashPassword(',
    replace: 'this.#dummyHash = hashPassword(',
  },
  {
    name: 'the dummy hash has a fixed cost, not the configured one',
    file: auth,
    find: 'hashPassword(generateUuid(), { cost: this.#bcryptCost })',
    replace: 'hashPassword(generateUuid(), { cost: 10 })',
  },
  {
    name: 'hashes the password instead of comparing it',
    file: auth,
    find: '      await verifyPassword(password, await dummyHash);',
    replace: '      await dummyHash;\n      await hashPassword(password, { cost: this.#bcryptCost });',
  },
  {
    name: 'keeps a dummy hash that failed: once bcrypt was too busy, every unknown email fails for good',
    file: auth,
    find: `      dummyHash.catch(() => {
        if (this.#dummyHash === dummyHash) this.#dummyHash = undefined;
      });
`,
    replace: '',
  },
  {
    name: 'never re-hashes: an old, cheaper hash answers a wrong password sooner than the dummy hash',
    file: auth,
    find: '    if (bcryptCostOf(user.hashedPassword) !== this.#bcryptCost) {',
    replace: '    if ((bcryptCostOf(user.hashedPassword) ?? 0) < 4) {',
  },
  {
    name: 're-hashes only a cheaper hash, not a costlier one (it answers a wrong password later than the dummy hash)',
    file: auth,
    find: '    if (bcryptCostOf(user.hashedPassword) !== this.#bcryptCost) {',
    replace: '    if ((bcryptCostOf(user.hashedPassword) ?? 0) < this.#bcryptCost) {',
  },
  {
    name: 'a re-hash bcrypt is too busy for fails the login of the right password',
    file: auth,
    find: `        if (error instanceof BusyError) return null;
        throw error;`,
    replace: '        throw error;',
  },
  {
    name: 're-hashes and forgets to store the new hash',
    file: auth,
    find: '      if (rehashed !== null) await this.#db.updateUserIf(user.id, { hashedPassword: user.hashedPassword }, { hashedPassword: rehashed });\n',
    replace: '      void rehashed;\n',
  },
] satisfies WrongAnswer[];
