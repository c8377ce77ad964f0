import type { WrongAnswer } from '../src/wrong-answers.ts';

const auth = 'packages/auth/src/auth.ts';

export default [
  { name: 'stores the password in clear', file: auth, find: 'return this.#db.addUser(email, hashedPassword);', replace: 'void hashedPassword;\n    return this.#db.addUser(email, password);' },
  {
    name: 'hashes at the default cost, ignoring the bcryptCost option',
    file: auth,
    find: 'const hashedPassword = await hashPassword(password, { cost: this.#bcryptCost });',
    replace: 'const hashedPassword = await hashPassword(password);',
  },
  {
    name: 'saves a second user with an email already registered',
    file: auth,
    find: 'if ((await this.#findUser({ email })) !== null) throw new UserExistsError(email);',
    replace: '',
  },
  {
    name: 'finds a registered email only in the same letter case',
    file: auth,
    find: 'if ((await this.#findUser({ email })) !== null) throw new UserExistsError(email);',
    replace: "if ((await this.#db.knex('users').where('email', email).first()) !== undefined) throw new UserExistsError(email);",
  },
  {
    name: 'lets findUserBy\'s NoResultFoundError escape for a new email',
    file: auth,
    find: 'if ((await this.#findUser({ email })) !== null) throw new UserExistsError(email);',
    replace: 'if ((await this.#db.findUserBy({ email })) !== null) throw new UserExistsError(email);',
  },
  {
    name: 'a plain Error for an email already registered',
    file: auth,
    find: 'throw new UserExistsError(email);',
    replace: 'throw new Error(`User ${email} already exists`);',
  },
  {
    name: 'checks the password only after looking the email up',
    file: auth,
    find: "    checkText('email', email);\n    checkPasswordInput(password);\n    if ((await this.#findUser({ email })) !== null)",
    replace: "    checkText('email', email);\n    if ((await this.#findUser({ email })) !== null)",
  },
  {
    name: 'stores the email lower-cased',
    file: auth,
    find: 'return this.#db.addUser(email, hashedPassword);',
    replace: 'return this.#db.addUser(email.toLowerCase(), hashedPassword);',
  },
] satisfies WrongAnswer[];
