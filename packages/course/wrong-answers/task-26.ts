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
] satisfies WrongAnswer[];
