import type { WrongAnswer } from '../src/wrong-answers.ts';

export default [
  {
    name: 'still looks the email up before inserting',
    file: 'packages/auth/src/auth.ts',
    find: `    try {
      return await this.#db.addUser(email, hashedPassword);
    } catch (error) {
      if (error instanceof EmailTakenError) throw new UserExistsError(email);
      throw error;
    }`,
    replace: `    if ((await this.#findUser({ email })) !== null) throw new UserExistsError(email);
    return this.#db.addUser(email, hashedPassword);`,
  },
  {
    name: 'lets the unique violation through as a raw database error',
    file: 'packages/db/src/db.ts',
    find: `      if (isUniqueViolation(error, EMAIL_INDEX)) throw new EmailTakenError(email);
      throw error;`,
    replace: '      throw error;',
  },
  {
    name: 'lower-cases but does not normalise to NFC',
    file: 'packages/db/src/email.ts',
    find: `email.trim().normalize('NFC').toLowerCase()`,
    replace: 'email.trim().toLowerCase()',
  },
  {
    name: 'does not trim',
    file: 'packages/db/src/email.ts',
    find: `email.trim().normalize('NFC').toLowerCase()`,
    replace: `email.normalize('NFC').toLowerCase()`,
  },
  {
    name: 'refuses control characters only, not zero-width or bidirectional ones',
    file: 'packages/db/src/email.ts',
    find: String.raw`/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u`,
    replace: String.raw`/[\p{Cc}]/u`,
  },
  {
    name: 'updateUser leaves the canonical email behind',
    file: 'packages/db/src/db.ts',
    find: '    if (values.email !== undefined) values.canonicalEmail = canonicalEmail(values.email);\n',
    replace: '',
  },
] satisfies WrongAnswer[];
