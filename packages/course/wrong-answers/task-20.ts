import type { WrongAnswer } from '../src/wrong-answers.ts';

const e2e = 'packages/app/src/e2e.ts';

/** Each of the nine steps with one of its checks removed or weakened: the walk must still stop at that step. */
export default [
  {
    name: 'step 1 (sign up) does not check the status',
    file: e2e,
    find: "const answer = await http('POST', '/users', { form: { email, password } });\n      expectStatus(answer, 200);\n",
    replace: "const answer = await http('POST', '/users', { form: { email, password } });\n",
  },
  { name: 'step 1 (sign up) does not check the body', file: e2e, find: "expectBody(answer, { email, message: 'user created' });", replace: '' },
  { name: 'step 2 (wrong password) checks nothing', file: e2e, find: 'expectStatus(answer, 401);', replace: '' },
  { name: 'step 2 (wrong password) accepts any error status', file: e2e, find: 'expectStatus(answer, 401);', replace: 'if (answer.status < 400) throw new StepFailed(`expected an error, got ${answer.status}`);' },
  { name: 'step 3 (profile without a cookie) checks nothing', file: e2e, find: "expectStatus(await http('GET', '/profile'), 403);", replace: "await http('GET', '/profile');" },
  { name: 'step 3 (profile without a cookie) accepts any error status', file: e2e, find: "expectStatus(await http('GET', '/profile'), 403);", replace: "if ((await http('GET', '/profile')).status < 400) throw new StepFailed('expected an error');" },
  {
    name: 'step 4 (log in) does not check the status',
    file: e2e,
    find: "const answer = await http('POST', '/sessions', { form: { email, password } });\n      expectStatus(answer, 200);\n",
    replace: "const answer = await http('POST', '/sessions', { form: { email, password } });\n",
  },
  {
    name: 'step 4 (log in) does not check the body',
    file: e2e,
    find: "expectBody(answer, { email, message: 'logged in' });\n      sessionId = sessionCookie(answer);",
    replace: 'sessionId = sessionCookie(answer);',
  },
  {
    name: 'step 4 (log in) takes the first cookie, whatever its name',
    file: e2e,
    find: 'sessionId = sessionCookie(answer);',
    replace: "sessionId = answer.headers.getSetCookie()[0]?.split(';')[0]?.split('=')[1] ?? '';",
  },
  {
    name: 'step 5 (profile) does not check the status',
    file: e2e,
    find: "const answer = await http('GET', '/profile', { cookie: sessionId });\n      expectStatus(answer, 200);\n",
    replace: "const answer = await http('GET', '/profile', { cookie: sessionId });\n",
  },
  { name: 'step 5 (profile) does not check the body', file: e2e, find: 'expectBody(answer, { email });', replace: '' },
  { name: 'step 6 (log out) does not check the status', file: e2e, find: 'expectStatus(answer, 302);', replace: '' },
  { name: 'step 6 (log out) accepts any redirect status', file: e2e, find: 'expectStatus(answer, 302);', replace: "if (answer.status < 300 || answer.status > 399) throw new StepFailed('expected a redirect');" },
  {
    name: 'step 6 (log out) does not check the Location',
    file: e2e,
    find: "if (location !== '/') throw new StepFailed(`expected Location: /, got ${JSON.stringify(location)}`);",
    replace: "if (location === null) throw new StepFailed('expected a Location');",
  },
  {
    name: 'step 6 (log out) does not check the landing status',
    file: e2e,
    find: "const landing = await http('GET', location);\n      expectStatus(landing, 200);\n",
    replace: "const landing = await http('GET', location);\n",
  },
  { name: 'step 6 (log out) does not check the landing body', file: e2e, find: "expectBody(landing, { message: 'Bienvenue' });", replace: '' },
  {
    name: 'step 7 (reset token) does not check the status',
    file: e2e,
    find: "const answer = await http('POST', '/reset_password', { form: { email } });\n      expectStatus(answer, 200);\n",
    replace: "const answer = await http('POST', '/reset_password', { form: { email } });\n",
  },
  { name: 'step 7 (reset token) does not check the body', file: e2e, find: 'expectBody(answer, { email, reset_token: token });', replace: '' },
  {
    name: 'step 8 (new password) does not check the status',
    file: e2e,
    find: "expectStatus(answer, 200);\n      expectBody(answer, { email, message: 'Password updated' });",
    replace: "expectBody(answer, { email, message: 'Password updated' });",
  },
  { name: 'step 8 (new password) does not check the body', file: e2e, find: "expectBody(answer, { email, message: 'Password updated' });", replace: '' },
  {
    name: 'step 9 (log in with the new password) does not check the status',
    file: e2e,
    find: "const answer = await http('POST', '/sessions', { form: { email, password: newPassword } });\n      expectStatus(answer, 200);\n",
    replace: "const answer = await http('POST', '/sessions', { form: { email, password: newPassword } });\n",
  },
  {
    name: 'step 9 (log in with the new password) does not check the body',
    file: e2e,
    find: "expectBody(answer, { email, message: 'logged in' });\n      sessionCookie(answer);",
    replace: 'sessionCookie(answer);',
  },
  {
    name: 'step 9 (log in with the new password) does not check the cookie',
    file: e2e,
    find: "      sessionCookie(answer);\n      return '200, logged in with the new password';",
    replace: "      return '200, logged in with the new password';",
  },
] satisfies WrongAnswer[];
