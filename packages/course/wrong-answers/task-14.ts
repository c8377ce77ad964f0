import type { WrongAnswer } from '../src/wrong-answers.ts';

const sessions = 'packages/app/src/routes/sessions.ts';
const errors = 'packages/app/src/plugins/errors.ts';

export default [
  { name: 'the session is not destroyed, only the cookie cleared', file: sessions, find: 'await app.auth.destroySession(user.id);', replace: '' },
  { name: 'the cookie is not cleared', file: sessions, find: 'reply.clearCookie(SESSION_COOKIE, sessionCookieOptions);', replace: '' },
  { name: 'the cookie is cleared without its options (no Path)', file: sessions, find: 'reply.clearCookie(SESSION_COOKIE, sessionCookieOptions);', replace: 'reply.clearCookie(SESSION_COOKIE);' },
  { name: 'redirects to /profile', file: sessions, find: "return reply.redirect('/', 302);", replace: "return reply.redirect('/profile', 302);" },
  { name: 'a 301 redirect', file: sessions, find: "return reply.redirect('/', 302);", replace: "return reply.redirect('/', 301);" },
  { name: 'a 303 redirect', file: sessions, find: "return reply.redirect('/', 302);", replace: "return reply.redirect('/', 303);" },
  { name: 'answers 200 instead of redirecting', file: sessions, find: "return reply.redirect('/', 302);", replace: "return reply.send({ message: 'logged out' });" },
  { name: 'no session still redirects (the 403 left out)', file: sessions, find: 'if (user === null) throw new NoSessionError();', replace: "if (user === null) return reply.redirect('/', 302);" },
  { name: 'no session throws a plain Error: a 500', file: sessions, find: 'if (user === null) throw new NoSessionError();', replace: "if (user === null) throw new Error('no session');" },
  { name: 'destroys the session of another user', file: sessions, find: 'await app.auth.destroySession(user.id);', replace: 'await app.auth.destroySession(user.id + 1);' },
  { name: 'the raw cookie goes to the database (sessionIdOf left out)', file: sessions, find: 'app.auth.getUserFromSessionId(sessionIdOf(request))', replace: 'app.auth.getUserFromSessionId(request.cookies.session_id)' },
  { name: 'no session is a 401', file: errors, find: 'ERR_NO_SESSION: { status: 403 },', replace: 'ERR_NO_SESSION: { status: 401 },' },
  { name: 'ERR_NO_SESSION left unmapped: a 500', file: errors, find: '  ERR_NO_SESSION: { status: 403 },\n', replace: '' },
] satisfies WrongAnswer[];
