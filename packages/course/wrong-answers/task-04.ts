import type { WrongAnswer } from '../src/wrong-answers.ts';

const password = 'packages/auth/src/password.ts';
const hash = "return bcrypt.hash(password.normalize('NFC'), cost);";

export default [
  { name: 'returns the password in clear', file: password, find: hash, replace: 'void cost;\n  return password;' },
  {
    name: 'a fixed salt: the same password always gives the same hash',
    file: password,
    find: hash,
    replace: "return bcryptLibrary.hash(password.normalize('NFC'), `$2b$${String(cost).padStart(2, '0')}$abcdefghijklmnopqrstuu`);",
  },
  {
    name: 'an unsalted SHA-256 digest instead of bcrypt',
    file: password,
    find: hash,
    replace: "void cost;\n  return (await import('node:crypto')).createHash('sha256').update(password.normalize('NFC')).digest('hex');",
  },
  { name: 'hashes with the blocking hashSync', file: password, find: hash, replace: "return bcryptLibrary.hashSync(password.normalize('NFC'), cost);" },
  { name: 'a $2a$ hash', file: password, find: hash, replace: "return bcryptLibrary.hash(password.normalize('NFC'), await bcryptLibrary.genSalt(cost, 'a'));" },
  {
    name: 'ignores the cost option',
    file: password,
    find: 'const cost = checkBcryptCost(options?.cost === undefined ? DEFAULT_BCRYPT_COST : options.cost);',
    replace: 'const cost = DEFAULT_BCRYPT_COST;',
  },
  {
    name: 'cost 10 (bcrypt examples\' default) when none is given',
    file: password,
    find: 'const cost = checkBcryptCost(options?.cost === undefined ? DEFAULT_BCRYPT_COST : options.cost);',
    replace: 'const cost = checkBcryptCost(options?.cost === undefined ? 10 : options.cost);',
  },
  {
    name: 'lets bcrypt cut a password longer than 72 bytes',
    file: password,
    find: 'if (bytes > MAX_PASSWORD_BYTES) {',
    replace: 'if (bytes > 4096) {',
  },
  { name: 'counts characters, not bytes', file: password, find: "const bytes = Buffer.byteLength(password.normalize('NFC'), 'utf8');", replace: "const bytes = password.normalize('NFC').length;" },
  {
    name: 'cuts a long password to 72 characters instead of refusing it',
    file: password,
    find: "  checkPasswordInput(password);\n  // One password, one form",
    replace: "  checkPasswordInput(password.slice(0, 72));\n  // One password, one form",
  },
  {
    name: 'does not check the password (bcrypt\'s own error for non-strings)',
    file: password,
    find: "  checkPasswordInput(password);\n  // One password, one form",
    replace: '  // One password, one form',
  },
  {
    name: 'accepts an empty password',
    file: password,
    find: "if (typeof password !== 'string' || password === '') {",
    replace: "if (typeof password !== 'string') {",
  },
  {
    name: 'refuses bad input with a plain Error',
    file: password,
    find: 'throw new InvalidArgumentError(`password must be a non-empty string, got ${typeName(password)}`);',
    replace: 'throw new Error(`password must be a non-empty string, got ${typeName(password)}`);',
  },
  {
    name: 'echoes the refused password in the message',
    file: password,
    find: 'got ${bytes} bytes`);',
    replace: 'got ${bytes} bytes: ${password}`);',
  },
  {
    name: 'hashes the password as typed, not in NFC (an accent typed apart is another password)',
    file: password,
    find: hash,
    replace: 'return bcrypt.hash(password, cost);',
  },
  {
    name: 'counts the bytes of the password as typed, not of the NFC form bcrypt is given',
    file: password,
    find: "const bytes = Buffer.byteLength(password.normalize('NFC'), 'utf8');",
    replace: "const bytes = Buffer.byteLength(password, 'utf8');",
  },
  {
    name: 'refuses NUL only, not the other control characters',
    file: password,
    find: String.raw`const controlCharacter = /[^\P{Cc}\t]/u;`,
    replace: String.raw`const controlCharacter = /\u0000/u;`,
  },
  {
    name: 'refuses the tab too',
    file: password,
    find: String.raw`const controlCharacter = /[^\P{Cc}\t]/u;`,
    replace: String.raw`const controlCharacter = /\p{Cc}/u;`,
  },
  {
    name: 'echoes the password in the control-character message',
    file: password,
    find: 'other than tab, got U+${hex(control[0])}`);',
    replace: 'other than tab, got ${JSON.stringify(password)}`);',
  },
] satisfies WrongAnswer[];
