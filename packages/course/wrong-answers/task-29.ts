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
  // Written apart from the recorded ones above, against the page alone.
  {
    name: 'leaves userId out of the line when there is no user',
    file,
    find: '{ audit: event, userId, ip: request.ip,',
    replace: '{ audit: event, ...(userId === null ? {} : { userId }), ip: request.ip,',
  },
  {
    name: 'logs failures and refusals at level warn',
    file,
    find: 'request.log.info(',
    replace: "request.log[/failed|refused|limited/.test(event) ? 'warn' : 'info'](",
  },
  {
    name: 'takes the client address from X-Forwarded-For itself, trusted or not',
    file,
    find: 'ip: request.ip,',
    replace: "ip: String(request.headers['x-forwarded-for'] ?? request.ip).split(',')[0]?.trim() ?? request.ip,",
  },
  {
    name: "logs the connection's address, which behind a proxy is the proxy's",
    file,
    find: 'ip: request.ip,',
    replace: 'ip: request.socket.remoteAddress,',
  },
  {
    name: 'writes limit on every line, null when there is none',
    file,
    find: '...(limit === undefined ? {} : { limit })',
    replace: 'limit: limit ?? null',
  },
  {
    name: 'writes the event alone as the message',
    file,
    find: '`audit: ${event}`',
    replace: 'event',
  },
] satisfies WrongAnswer[];
