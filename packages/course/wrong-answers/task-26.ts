import type { WrongAnswer } from '../src/wrong-answers.ts';

const csrf = 'packages/app/src/plugins/csrf.ts';
const cookies = 'packages/app/src/plugins/cookies.ts';

export default [
  {
    name: 'refuses every Sec-Fetch-Site but same-origin (typed URLs and bookmarks send none)',
    file: csrf,
    find: "if (request.headers['sec-fetch-site'] === 'cross-site')",
    replace: "if (request.headers['sec-fetch-site'] !== undefined && request.headers['sec-fetch-site'] !== 'same-origin')",
  },
  {
    name: 'refuses requests without an Origin header (curl and the e2e client stop working)',
    file: csrf,
    find: 'if (origin === undefined) return null;',
    replace: "if (origin === undefined) return 'it has no Origin';",
  },
  {
    name: 'compares the Origin with the Host header alone, without the scheme',
    file: csrf,
    find: 'return `${request.protocol}://${request.host}`.toLowerCase();',
    replace: 'return request.host.toLowerCase();',
  },
  {
    name: 'accepts any origin that starts with the public origin',
    file: csrf,
    find: 'claimed === publicOrigin',
    replace: '(publicOrigin !== undefined && claimed.startsWith(publicOrigin))',
  },
  {
    name: 'adds Secure in production but keeps the plain cookie name',
    file: cookies,
    find: '`${HOST_SESSION_COOKIE}=$1; Secure`',
    replace: '`${SESSION_COOKIE}=$1; Secure`',
  },
  {
    name: 'still reads the plain session_id cookie in production',
    file: cookies,
    find: '      app.sessionCookieName = HOST_SESSION_COOKIE;\n',
    replace: '',
  },
  // Written apart from the recorded ones above, against the page alone.
  {
    name: 'lower-cases the Origin but not its own origin (a Host header in upper case is refused)',
    file: csrf,
    find: 'return `${request.protocol}://${request.host}`.toLowerCase();',
    replace: 'return `${request.protocol}://${request.host}`;',
  },
  {
    name: 'compares the public origin with the Origin as sent, letter case and all',
    file: csrf,
    find: 'claimed === publicOrigin',
    replace: 'origin === publicOrigin',
  },
  {
    name: 'builds its own origin with a fixed http scheme',
    file: csrf,
    find: 'return `${request.protocol}://${request.host}`.toLowerCase();',
    replace: 'return `http://${request.host}`.toLowerCase();',
  },
  {
    name: 'reads the Host header itself, so a trusted proxy\'s X-Forwarded-Host is ignored',
    file: csrf,
    find: 'return `${request.protocol}://${request.host}`.toLowerCase();',
    replace: 'return `${request.protocol}://${request.headers.host}`.toLowerCase();',
  },
  {
    name: 'answers the refusal with a message alone, without the code and the error shape',
    file: csrf,
    find: `    statusCode: 403,\n    code: 'ERR_CROSS_SITE',\n    error: 'Forbidden',\n`,
    replace: '',
  },
] satisfies WrongAnswer[];
