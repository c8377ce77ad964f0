import type { WrongAnswer } from '../src/wrong-answers.ts';

const sessions = 'packages/app/src/routes/sessions.ts';
const errors = 'packages/app/src/plugins/errors.ts';

export default [
  { name: 'the cookie is set without its options (no HttpOnly, no Path)', file: sessions, find: 'reply.setCookie(SESSION_COOKIE, sessionId, sessionCookieOptions);', replace: 'reply.setCookie(SESSION_COOKIE, sessionId);' },
  { name: 'the cookie is not HttpOnly', file: sessions, find: 'reply.setCookie(SESSION_COOKIE, sessionId, sessionCookieOptions);', replace: "reply.setCookie(SESSION_COOKIE, sessionId, { path: '/', sameSite: 'lax' });" },
  { name: 'the cookie is SameSite=None (sent on cross-site requests)', file: sessions, find: 'reply.setCookie(SESSION_COOKIE, sessionId, sessionCookieOptions);', replace: "reply.setCookie(SESSION_COOKIE, sessionId, { path: '/', httpOnly: true, sameSite: 'none' });" },
  { name: 'the cookie is named sessionId', file: sessions, find: 'reply.setCookie(SESSION_COOKIE, sessionId, sessionCookieOptions);', replace: "reply.setCookie('sessionId', sessionId, sessionCookieOptions);" },
  { name: 'the cookie holds a fresh uuid, not the stored session id', file: sessions, find: 'reply.setCookie(SESSION_COOKIE, sessionId, sessionCookieOptions);', replace: 'reply.setCookie(SESSION_COOKIE, crypto.randomUUID(), sessionCookieOptions);' },
  { name: 'no cookie at all', file: sessions, find: 'reply.setCookie(SESSION_COOKIE, sessionId, sessionCookieOptions);', replace: '' },
  { name: 'the password is never checked', file: sessions, find: 'if (!(await app.auth.validLogin(email, password))) throw new InvalidCredentialsError();', replace: '' },
  { name: 'wrong credentials answer 200 with a message', file: sessions, find: 'if (!(await app.auth.validLogin(email, password))) throw new InvalidCredentialsError();', replace: "if (!(await app.auth.validLogin(email, password))) return { email, message: 'wrong email or password' };" },
  {
    name: 'the session is created before the password is checked',
    file: sessions,
    find: '    if (!(await app.auth.validLogin(email, password))) throw new InvalidCredentialsError();\n    const sessionId = await app.auth.createSession(email);\n',
    replace: '    const sessionId = await app.auth.createSession(email);\n    if (!(await app.auth.validLogin(email, password))) throw new InvalidCredentialsError();\n',
  },
  { name: 'wrong credentials are a 403', file: errors, find: 'ERR_INVALID_CREDENTIALS: { status: 401 },', replace: 'ERR_INVALID_CREDENTIALS: { status: 403 },' },
  { name: 'wrong credentials are a 400', file: errors, find: 'ERR_INVALID_CREDENTIALS: { status: 401 },', replace: 'ERR_INVALID_CREDENTIALS: { status: 400 },' },
  { name: 'ERR_INVALID_CREDENTIALS left unmapped: a 500', file: errors, find: '  ERR_INVALID_CREDENTIALS: { status: 401 },\n', replace: '' },
  { name: 'the email is not trimmed (trimEmail left out)', file: sessions, find: '{ schema: { ...logInDocs, body: logInBody }, preValidation: trimEmail }', replace: '{ schema: { ...logInDocs, body: logInBody } }' },
  { name: 'plain strings instead of the Email and Password schemas', file: sessions, find: 'Type.Object({ email: Email, password: Password })', replace: 'Type.Object({ email: Type.String(), password: Type.String() })' },
  { name: 'echoes the email lower-cased', file: sessions, find: "return { email, message: 'logged in' };", replace: "return { email: email.toLowerCase(), message: 'logged in' };" },
  { name: 'answers "Logged in"', file: sessions, find: "return { email, message: 'logged in' };", replace: "return { email, message: 'Logged in' };" },
] satisfies WrongAnswer[];
