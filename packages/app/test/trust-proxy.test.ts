import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { buildApp, loadConfig, serverOptions } from '@hallpass/app';
import { testDB, type Teardownable } from '@hallpass/db/testing';
import { logCapture } from './fixtures/log.ts';

/** The service configured from `env` as the server would be, one sign-up per client address allowed; its audit lines. */
async function service(t: Teardownable, env: NodeJS.ProcessEnv): Promise<{ app: FastifyInstance; ips: () => unknown[] }> {
  const log = logCapture();
  const app = await buildApp({
    db: await testDB(t),
    bcryptCost: 4,
    logger: { level: 'info', stream: log.stream },
    server: serverOptions(loadConfig(env)),
    security: { rateLimits: { signUpsPerAddress: 1 } },
  });
  t.teardown(() => app.close());
  const ips = () => log.lines.filter((line) => line.audit === 'signup').map((line) => line.ip);
  return { app, ips };
}

let accounts = 0;
/** A sign-up of a new account, from `remoteAddress` (inject's default: 127.0.0.1), with the given headers. */
function signUp(app: FastifyInstance, headers: Record<string, string>, remoteAddress?: string) {
  accounts += 1;
  return app.inject({ method: 'POST', url: '/users', payload: { email: `user${accounts}@example.com`, password: 'pr0xy-pw' }, headers, ...(remoteAddress === undefined ? {} : { remoteAddress }) });
}

t.test('without TRUST_PROXY, X-Forwarded-For is ignored: a client cannot choose its address', async (t) => {
  const { app, ips } = await service(t, {});
  t.equal((await signUp(app, { 'x-forwarded-for': '203.0.113.7' })).statusCode, 200);
  t.equal((await signUp(app, { 'x-forwarded-for': '203.0.113.8' })).statusCode, 429, 'another X-Forwarded-For does not escape the per-address limit');
  t.same(ips(), ['127.0.0.1'], 'the audit line names the connection\'s address');
});

t.test('with TRUST_PROXY naming the proxy, its X-Forwarded-For names the client', async (t) => {
  const { app, ips } = await service(t, { TRUST_PROXY: '127.0.0.1' });
  t.equal((await signUp(app, { 'x-forwarded-for': '203.0.113.7' })).statusCode, 200);
  t.equal((await signUp(app, { 'x-forwarded-for': '203.0.113.8' })).statusCode, 200, 'two clients behind one proxy have a limit each');
  // A client that sends its own X-Forwarded-For: the proxy appends the address it saw, the right-most one counts.
  t.equal((await signUp(app, { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' })).statusCode, 429, 'a forged first entry does not escape the limit');
  t.same(ips(), ['203.0.113.7', '203.0.113.8'], 'the audit lines name the clients');
});

t.test('a request from an address TRUST_PROXY does not name is taken as it comes', async (t) => {
  const { app, ips } = await service(t, { TRUST_PROXY: '10.0.0.0/8' });
  t.equal((await signUp(app, { 'x-forwarded-for': '203.0.113.7' })).statusCode, 200);
  t.equal((await signUp(app, { 'x-forwarded-for': '203.0.113.9' }, '10.1.2.3')).statusCode, 200, 'from a proxy in 10.0.0.0/8');
  t.same(ips(), ['127.0.0.1', '203.0.113.9']);
});

t.test('behind a trusted proxy, the cross-site check sees the origin the browser used', async (t) => {
  const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'auth.example.com', origin: 'https://auth.example.com' };
  const trusted = await service(t, { TRUST_PROXY: 'loopback' });
  t.equal((await signUp(trusted.app, forwarded)).statusCode, 200, 'Origin matches the forwarded scheme and host');
  const direct = await service(t, {});
  t.equal((await signUp(direct.app, forwarded)).statusCode, 403, 'without TRUST_PROXY, forwarded headers do not make an origin the service\'s own');
});
