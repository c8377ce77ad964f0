import type { WrongAnswer } from '../src/wrong-answers.ts';

const users = 'packages/app/src/routes/users.ts';
const errors = 'packages/app/src/plugins/errors.ts';

// A body schema without the password, or none at all, leaves `request.body.password` untyped or
// missing: the compiler stops those answers (a type error fails the task), so they are not recorded here.
export default [
  { name: 'an existing email is a 409, not the 400 the contract says', file: errors, find: 'ERR_USER_EXISTS: { status: 400,', replace: 'ERR_USER_EXISTS: { status: 409,' },
  { name: 'an existing email is a 403', file: errors, find: 'ERR_USER_EXISTS: { status: 400,', replace: 'ERR_USER_EXISTS: { status: 403,' },
  { name: 'the existing-email answer carries the whole error shape, not just {"message"}', file: errors, find: "message: 'email already registered', bare: true }", replace: "message: 'email already registered' }" },
  { name: "the existing-email answer has the library's message", file: errors, find: "ERR_USER_EXISTS: { status: 400, message: 'email already registered', bare: true }", replace: 'ERR_USER_EXISTS: { status: 400, bare: true }' },
  { name: 'ERR_USER_EXISTS left unmapped: a 500', file: errors, find: "  ERR_USER_EXISTS: { status: 400, message: 'email already registered', bare: true },\n", replace: '' },
  { name: 'the email is not trimmed (trimEmail left out)', file: users, find: '{ schema: { ...docs, body }, preValidation: trimEmail }', replace: '{ schema: { ...docs, body } }' },
  { name: 'plain strings instead of the Email and Password schemas', file: users, find: 'Type.Object({ email: Email, password: Password })', replace: 'Type.Object({ email: Type.String(), password: Type.String() })' },
  { name: 'the password is limited to 72 characters, not 72 bytes', file: users, find: 'Type.Object({ email: Email, password: Password })', replace: 'Type.Object({ email: Email, password: Type.String({ minLength: 1, maxLength: 72 }) })' },
  { name: 'answers "User created"', file: users, find: "return { email, message: 'user created' };", replace: "return { email, message: 'User created' };" },
  { name: 'echoes the email lower-cased', file: users, find: "return { email, message: 'user created' };", replace: "return { email: email.toLowerCase(), message: 'user created' };" },
  { name: 'answers 201 Created', file: users, find: 'preValidation: trimEmail }, async (request) => {', replace: 'preValidation: trimEmail }, async (request, reply) => {\n    reply.code(201 as never);' },
  { name: 'swallows the registration error and answers 200', file: users, find: 'await app.auth.registerUser(email, password);', replace: 'await app.auth.registerUser(email, password).catch(() => undefined);' },
  { name: 'never registers the user', file: users, find: 'await app.auth.registerUser(email, password);', replace: '' },
] satisfies WrongAnswer[];
