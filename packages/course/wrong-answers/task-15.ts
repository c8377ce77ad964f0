import type { WrongAnswer } from '../src/wrong-answers.ts';

const profile = 'packages/app/src/routes/profile.ts';

// Leaving the null check out does not compile (`user` is possibly null): the type check fails that answer, so it is not recorded.
export default [
  { name: 'no session is a 401', file: profile, find: 'if (user === null) throw new NoSessionError();', replace: "if (user === null) throw Object.assign(new Error('log in first'), { statusCode: 401 });" },
  { name: 'no session answers 200 with an empty email', file: profile, find: 'if (user === null) throw new NoSessionError();', replace: "if (user === null) return { email: '' };" },
  { name: 'the email lower-cased, not as registered', file: profile, find: 'return { email: user.email };', replace: 'return { email: user.email.toLowerCase() };' },
  { name: 'the raw cookie goes to the database (sessionIdOf left out)', file: profile, find: 'app.auth.getUserFromSessionId(sessionIdOf(request))', replace: 'app.auth.getUserFromSessionId(request.cookies.session_id)' },
] satisfies WrongAnswer[];
