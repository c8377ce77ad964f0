import type { WrongAnswer } from '../src/wrong-answers.ts';

const headers = 'packages/app/src/plugins/headers.ts';

export default [
  {
    name: 'sets no-store on successful answers only (errors about sessions are cached)',
    file: headers,
    find: "if (!request.url.startsWith('/docs')) reply.header('cache-control', 'no-store');",
    replace: "if (reply.statusCode === 200 && !request.url.startsWith('/docs')) reply.header('cache-control', 'no-store');",
  },
  {
    name: "allows inline scripts ('unsafe-inline')",
    file: headers,
    find: `scriptSrc: ["'self'"],`,
    replace: `scriptSrc: ["'self'", "'unsafe-inline'"],`,
  },
  {
    name: "keeps helmet's default policy (inline styles and any https: style allowed)",
    file: headers,
    find: 'useDefaults: false,',
    replace: 'useDefaults: true,',
  },
  {
    name: 'upgrades sub-requests to HTTPS in the course profile too',
    file: headers,
    find: "...(options.profile === 'production' ? { upgradeInsecureRequests: [] } : {}),",
    replace: 'upgradeInsecureRequests: [],',
  },
  {
    name: 'leaves /docs on in production',
    file: 'packages/app/src/plugins/swagger.ts',
    find: '    if (options.docs === false) return;\n',
    replace: '',
  },
] satisfies WrongAnswer[];
