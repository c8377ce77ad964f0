import type { WrongAnswer } from '../src/wrong-answers.ts';

const db = 'packages/db/src/db.ts';

export default [
  {
    name: 'writes the valid part of a change before refusing the rest',
    file: db,
    find: 'const patch = changeEntries(changes);',
    replace:
      "const valid = Object.entries(changes ?? {}).filter(([key]) => isUserProperty(key) && key !== 'id');\n    if (valid.length > 0) await User.query(this.knex).where('id', id).patch(Object.fromEntries(valid));\n    const patch = changeEntries(changes);",
  },
  {
    name: 'leaves out the where: every user is changed',
    file: db,
    find: "const query = User.query(this.knex).where('id', id);",
    replace: 'const query = User.query(this.knex);',
  },
  {
    name: 'an unknown id changes nothing and says nothing',
    file: db,
    find: 'if (found === 0) throw new NoResultFoundError(`no user has id ${id}`);',
    replace: 'void found;',
  },
  {
    name: 'an empty change is never checked against the table',
    file: db,
    find: 'patch.length === 0 ? await query.resultSize() : ',
    replace: 'patch.length === 0 ? 1 : ',
  },
  {
    name: 'lets the id be changed',
    file: db,
    find: "if (key === 'id') throw new InvalidAttributeError('a user\\'s id cannot be changed');",
    replace: '',
  },
  {
    name: 'skips keys that are not User properties instead of refusing them',
    file: db,
    find: '    if (!isUserProperty(key)) {\n      throw new InvalidAttributeError(`"${key}" is not a User property',
    replace: "    if (!isUserProperty(key)) continue;\n    if (String(key) === '') {\n      throw new InvalidAttributeError(`\"${key}\" is not a User property",
  },
  {
    name: 'throws a plain Error for a key that is not a property',
    file: db,
    find: '      throw new InvalidAttributeError(`"${key}" is not a User property',
    replace: '      throw new Error(`"${key}" is not a User property',
  },
  {
    name: 'does not check the values (a wrong type reaches the database)',
    file: db,
    find: "    if (key === 'id') throw new InvalidAttributeError('a user\\'s id cannot be changed');\n    checkValue(key, value);\n",
    replace: "    if (key === 'id') throw new InvalidAttributeError('a user\\'s id cannot be changed');\n    void value;\n",
  },
  {
    name: 'checks only that the id is a number',
    file: db,
    find: 'if (!Number.isSafeInteger(id) || id < 1) {',
    replace: "if (typeof id !== 'number') {",
  },
] satisfies WrongAnswer[];
