import type { WrongAnswer } from '../src/wrong-answers.ts';

const db = 'packages/db/src/db.ts';
const insert = "return User.query(this.knex).insert({ email, hashedPassword }).returning('*');";

export default [
  {
    name: 'returns a User built from the arguments, never saved',
    file: db,
    find: insert,
    replace: 'return User.fromJson({ email, hashedPassword, sessionId: null, resetToken: null }) as User;',
  },
  {
    name: 'returns knex rows (snake_case, in an array) instead of a User',
    file: db,
    find: insert,
    replace: "return this.knex('users').insert({ email, hashed_password: hashedPassword }).returning('*') as never;",
  },
  {
    name: 'inserts without returning the saved row: the nullable properties are missing',
    file: db,
    find: insert,
    replace: 'return User.query(this.knex).insert({ email, hashedPassword });',
  },
  {
    name: 'returns the user without its id',
    file: db,
    find: insert,
    replace: "const { id: _id, ...user } = await User.query(this.knex).insert({ email, hashedPassword }).returning('*');\n    return User.fromJson(user);",
  },
  {
    name: 'stores the two values swapped',
    file: db,
    find: insert,
    replace: "return User.query(this.knex).insert({ email: hashedPassword, hashedPassword: email }).returning('*');",
  },
] satisfies WrongAnswer[];
