import type { WrongAnswer } from '../src/wrong-answers.ts';

const db = 'packages/db/src/db.ts';

export default [
  {
    name: 'compares emails case-sensitively',
    file: db,
    find: "if (key === 'email' && typeof value === 'string') query.whereRaw('lower(email) = lower(?)', [value]);\n      else ",
    replace: '',
  },
  {
    name: 'returns undefined when nothing matches',
    file: db,
    find: 'throw new NoResultFoundError(`no user matches ${describe(entries)}`);',
    replace: 'return user as unknown as User;',
  },
  {
    name: 'throws a plain Error when nothing matches',
    file: db,
    find: 'throw new NoResultFoundError(`no user matches ${describe(entries)}`);',
    replace: 'throw new Error(`no user matches ${describe(entries)}`);',
  },
  {
    name: 'echoes the secret values of the criteria in the message',
    file: db,
    find: 'throw new NoResultFoundError(`no user matches ${describe(entries)}`);',
    replace: 'throw new NoResultFoundError(`no user matches ${JSON.stringify(criteria)}`);',
  },
  {
    name: 'uses only the first criterion',
    file: db,
    find: "for (const [key, value] of entries) {\n      if (key === 'email'",
    replace: "for (const [key, value] of entries.slice(0, 1)) {\n      if (key === 'email'",
  },
  {
    name: 'matches any criterion instead of all (orWhere)',
    file: db,
    find: 'else query.where(User.propertyNameToColumnName(key), value);',
    replace: 'else query.orWhere(User.propertyNameToColumnName(key), value);',
  },
  {
    name: 'compares null with = (never true in SQL)',
    file: db,
    find: 'else query.where(User.propertyNameToColumnName(key), value);',
    replace: "else query.where(User.propertyNameToColumnName(key), '=', value as string);",
  },
  {
    name: 'passes unknown keys on to the query (a database error, not InvalidRequestError)',
    file: db,
    find: '    if (!isUserProperty(key)) {\n      throw new InvalidRequestError(',
    replace: "    if (!isUserProperty(key)) continue;\n    if (String(key) === '') {\n      throw new InvalidRequestError(",
  },
  {
    name: 'accepts column names as criteria',
    file: db,
    find: '    if (!isUserProperty(key)) {\n      throw new InvalidRequestError(',
    replace: "    if (['hashed_password', 'session_id', 'reset_token'].includes(key)) continue;\n    if (!isUserProperty(key)) {\n      throw new InvalidRequestError(",
  },
  {
    name: 'answers the first user for empty criteria',
    file: db,
    find: 'if (entries.length === 0) {\n    throw new InvalidRequestError(',
    replace: 'if (entries.length < 0) {\n    throw new InvalidRequestError(',
  },
  {
    name: 'throws NoResultFoundError for a bad question',
    file: db,
    find: "throw new InvalidRequestError('findUserBy needs at least one criterion');",
    replace: "throw new NoResultFoundError('findUserBy needs at least one criterion');",
  },
  {
    name: 'does not check the values (a wrong type reaches the database)',
    file: db,
    find: '    try {\n      checkValue(key, value);\n    } catch (error) {\n      throw new InvalidRequestError(`findUserBy: ${(error as Error).message}`);\n    }\n',
    replace: '',
  },
  {
    name: 'lets the value check\'s InvalidArgumentError through',
    file: db,
    find: 'throw new InvalidRequestError(`findUserBy: ${(error as Error).message}`);',
    replace: 'throw error;',
  },
  {
    name: 'takes the last matching user, not the first',
    file: db,
    find: "const user = await query.orderBy('id');",
    replace: "const user = await query.orderBy('id', 'desc');",
  },
] satisfies WrongAnswer[];
