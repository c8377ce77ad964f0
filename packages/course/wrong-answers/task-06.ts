import type { WrongAnswer } from '../src/wrong-answers.ts';

const root = 'packages/app/src/routes/root.ts';
const app = 'packages/app/src/app.ts';

export default [
  { name: 'GET / answers another message', file: root, find: "async () => ({ message: 'Bienvenue' })", replace: "async () => ({ message: 'Welcome' })" },
  // the route's schema types its reply: these two silence the compiler with a cast, as a learner fighting it might
  { name: 'GET / answers a bare string, not JSON', file: root, find: "async () => ({ message: 'Bienvenue' })", replace: "async (_request, reply) => reply.type('text/plain').send('Bienvenue' as never)" },
  { name: 'GET / answers 201', file: root, find: "async () => ({ message: 'Bienvenue' })", replace: "async (_request, reply) => {\n    reply.code(201 as unknown as 200);\n    return { message: 'Bienvenue' };\n  }" },
  { name: 'declares POST / instead of GET /', file: root, find: "app.get('/', { schema: docs }", replace: "app.post('/', { schema: docs }" },
  { name: 'forgets to register the users plugin', file: app, find: '  await instance.register(users);\n', replace: '' },
  { name: 'forgets to register the sessions plugin', file: app, find: '  await instance.register(sessions);\n', replace: '' },
  { name: 'forgets to register the profile plugin', file: app, find: '  await instance.register(profile);\n', replace: '' },
  { name: 'forgets to register the reset-password plugin', file: app, find: '  await instance.register(resetPassword);\n', replace: '' },
  { name: 'forgets to register the root plugin', file: app, find: '  await instance.register(root);\n', replace: '' },
] satisfies WrongAnswer[];
