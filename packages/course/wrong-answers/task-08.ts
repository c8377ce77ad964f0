import type { WrongAnswer } from '../src/wrong-answers.ts';

const auth = 'packages/auth/src/auth.ts';
const password = 'packages/auth/src/password.ts';
const lookup = 'const user = await this.#findUser({ email });\n    if (user === null) return false;\n    return verifyPassword(password, user.hashedPassword);';

export default [
  {
    name: 'throws for an unknown email instead of answering false',
    file: auth,
    find: lookup,
    replace: 'const user = await this.#db.findUserBy({ email });\n    return verifyPassword(password, user.hashedPassword);',
  },
  {
    name: 'compares the password with the stored hash as text',
    file: auth,
    find: 'return verifyPassword(password, user.hashedPassword);',
    replace: 'return password === user.hashedPassword;',
  },
  {
    name: 'hashes the password again and compares the hashes (a new salt every time)',
    file: auth,
    find: 'return verifyPassword(password, user.hashedPassword);',
    replace: 'return (await hashPassword(password, { cost: this.#bcryptCost })) === user.hashedPassword;',
  },
  { name: 'true for any password of a known email', file: auth, find: 'return verifyPassword(password, user.hashedPassword);', replace: 'return true;' },
  {
    name: 'finds the email only in the same letter case',
    file: auth,
    find: lookup,
    replace: "const row = await this.#db.knex('users').where('email', email).first();\n    if (row === undefined) return false;\n    return verifyPassword(password, row.hashed_password);",
  },
  {
    name: 'does not check the password before the lookup',
    file: auth,
    find: "    checkPasswordInput(password);\n    const user = await this.#findUser({ email });\n    if (user === null) return false;",
    replace: '    const user = await this.#findUser({ email });\n    if (user === null) return false;',
  },
  {
    name: 'verifyPassword lets bcrypt compare only the first 72 bytes',
    file: password,
    find: '  checkPasswordInput(password);\n  if (typeof hashedPassword',
    replace: '  if (typeof hashedPassword',
  },
  {
    name: 'verifyPassword passes a non-string hash to bcrypt',
    file: password,
    find: "if (typeof hashedPassword !== 'string') {",
    replace: 'if (hashedPassword === undefined) {',
  },
  {
    name: 'verifyPassword compares with the blocking compareSync',
    file: password,
    find: 'if (await bcrypt.compare(normalized, hashedPassword)) return true;',
    replace: 'if (bcryptLibrary.compareSync(normalized, hashedPassword)) return true;',
  },
  {
    name: 'verifyPassword compares the password as typed, not its NFC form',
    file: password,
    find: "const normalized = password.normalize('NFC');",
    replace: 'const normalized = password;',
  },
  {
    name: 'verifyPassword compares the NFC form only: a hash made before passwords were normalised no longer opens',
    file: password,
    find: 'return normalized !== password && Buffer.byteLength(password, \'utf8\') <= MAX_PASSWORD_BYTES && bcrypt.compare(password, hashedPassword);',
    replace: 'return false;',
  },
  {
    name: 'verifyPassword tries the form as typed even past 72 bytes (it matches on its first 72)',
    file: password,
    find: "Buffer.byteLength(password, 'utf8') <= MAX_PASSWORD_BYTES && ",
    replace: '',
  },
] satisfies WrongAnswer[];
