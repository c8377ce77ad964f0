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
  // Written apart from the recorded ones above, against the page alone.
  {
    name: 'sets no-store in a preHandler hook (answers refused before the handler get none)',
    file: headers,
    find: "app.addHook('onSend', async (request, reply) => {",
    replace: "app.addHook('preHandler', async (request, reply) => {",
  },
  {
    name: "leaves base-uri out (a <base> tag could redirect the page's relative URLs)",
    file: headers,
    find: `          baseUri: ["'none'"],\n`,
    replace: '',
  },
  {
    name: 'leaves script-src-attr out',
    file: headers,
    find: `          scriptSrcAttr: ["'none'"],\n`,
    replace: '',
  },
  {
    name: 'allows images from any https: site',
    file: headers,
    find: `imgSrc: ["'self'", 'data:'],`,
    replace: `imgSrc: ["'self'", 'data:', 'https:'],`,
  },
  {
    name: 'turns the /docs page off in production but keeps /openapi.json',
    file: 'packages/app/src/plugins/swagger.ts',
    find: `    if (options.docs === false) return;
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());`,
    replace: `    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    if (options.docs === false) return;
    await app.register(swaggerUi, { routePrefix: '/docs' });`,
  },
] satisfies WrongAnswer[];
