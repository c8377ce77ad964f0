import type { WrongAnswer } from '../src/wrong-answers.ts';

const file = 'packages/app/src/plugins/audit.ts';

export default [
  {
    name: 'logs the request body with the event (passwords end up in the log)',
    file,
    find: '{ audit: event, userId, ip: request.ip,',
    replace: '{ audit: event, userId, ip: request.ip, body: request.body,',
  },
  {
    name: 'logs the cookie header to identify the session',
    file,
    find: '{ audit: event, userId, ip: request.ip,',
    replace: '{ audit: event, userId, ip: request.ip, cookie: request.headers.cookie,',
  },
  {
    name: 'does not log failed logins',
    file,
    find: "  'POST /sessions 401': 'login.failed',\n",
    replace: '',
  },
  {
    name: 'looks up the logout\'s user after the session is gone',
    file,
    find: 'sessionUsers.set(request, user?.id ?? null);',
    replace: 'sessionUsers.set(request, null);',
  },
  {
    name: 'writes the line in onResponse, after the client already has its answer',
    file,
    find: "app.addHook('onSend', async (request, reply) => {",
    replace: "app.addHook('onResponse', async (request, reply) => {",
  },
] satisfies WrongAnswer[];
