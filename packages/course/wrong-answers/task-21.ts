import type { WrongAnswer } from '../src/wrong-answers.ts';

export default [
  {
    name: 'relies on the look-up alone: two processes signing one address up at once let the database error through',
    file: 'packages/auth/src/auth.ts',
    find: `      try {
        return await this.#db.addUser(email, hashedPassword);
      } catch (error) {
        if (error instanceof EmailTakenError) throw new UserExistsError(email);
        throw error;
      }`,
    replace: '      return this.#db.addUser(email, hashedPassword);',
  },
  {
    name: 'takes no turns: every one of 30 concurrent sign-ups finds the address free and hashes',
    file: 'packages/auth/src/auth.ts',
    find: 'return this.#oneAtATime(canonicalEmail(email), async () => {',
    replace: 'return ((_key: string, work: () => Promise<User>) => work())(canonicalEmail(email), async () => {',
  },
  {
    name: 'takes turns by the address as typed: other spellings of it hash at the same time',
    file: 'packages/auth/src/auth.ts',
    find: 'return this.#oneAtATime(canonicalEmail(email), async () => {',
    replace: 'return this.#oneAtATime(email, async () => {',
  },
  {
    name: 'takes turns but does not look the address up: each duplicate still hashes, then fails at the insert',
    file: 'packages/auth/src/auth.ts',
    find: '      if ((await this.#findUser({ email })) !== null) throw new UserExistsError(email);\n      const hashedPassword',
    replace: '      const hashedPassword',
  },
  {
    name: 'lets the unique violation through as a raw database error',
    file: 'packages/db/src/db.ts',
    find: `      if (isUniqueViolation(error, EMAIL_INDEX)) throw new EmailTakenError(email);
      throw error;`,
    replace: '      throw error;',
  },
  {
    name: 'lower-cases but does not normalise',
    file: 'packages/db/src/email.ts',
    find: `email.normalize('NFKC').trim().toLowerCase()`,
    replace: 'email.trim().toLowerCase()',
  },
  {
    name: 'normalises to NFC, not NFKC: ｂｏｂ@example.com in full-width letters is a second account',
    file: 'packages/db/src/email.ts',
    find: `email.normalize('NFKC').trim().toLowerCase()`,
    replace: `email.normalize('NFC').trim().toLowerCase()`,
  },
  {
    name: 'lower-cases before NFKC: 𝐁𝐨𝐛 becomes Bob, not bob',
    file: 'packages/db/src/email.ts',
    find: `email.normalize('NFKC').trim().toLowerCase()`,
    replace: `email.trim().toLowerCase().normalize('NFKC')`,
  },
  {
    name: 'does not trim',
    file: 'packages/db/src/email.ts',
    find: `email.normalize('NFKC').trim().toLowerCase()`,
    replace: `email.normalize('NFKC').toLowerCase()`,
  },
  {
    name: 'looks for special characters in the address as typed: full-width ＜ and ＞ pass, and become < and > in the key',
    file: 'packages/db/src/email.ts',
    find: 'specialCharacter.exec(canonical)',
    replace: 'specialCharacter.exec(email.trim())',
  },
  {
    name: 'lets a colon through: friends:eve@example.net is a group to a mail header',
    file: 'packages/db/src/email.ts',
    find: String.raw`const specialCharacter = /[\s<>()[\],;:"\\]/u;`,
    replace: String.raw`const specialCharacter = /[\s<>()[\],;"\\]/u;`,
  },
  {
    name: 'lets white space through inside the address',
    file: 'packages/db/src/email.ts',
    find: String.raw`const specialCharacter = /[\s<>()[\],;:"\\]/u;`,
    replace: String.raw`const specialCharacter = /[<>()[\],;:"\\]/u;`,
  },
  {
    name: 'counts the @ only in the address as typed: a full-width ＠ becomes a second one',
    file: 'packages/db/src/email.ts',
    find: "const [local, domain, ...more] = canonical.split('@');",
    replace: "const [local, domain, ...more] = email.trim().toLowerCase().split('@');",
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
