/** The Host allow-list: a request naming a host the service does not serve (DNS rebinding) gets 421, probes excepted. */
import t from 'tap';
import { buildApp, loadConfig, serverOptions } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';

const production = { NODE_ENV: 'production', SMTP_URL: 'smtps://mail.example.com', MAIL_FROM: 'no-reply@example.com', PUBLIC_ORIGIN: 'https://auth.example.com', TRUST_PROXY: '127.0.0.1' };

/** The service as the server builds it from `env`. */
async function service(t: Parameters<typeof testDB>[0], env: NodeJS.ProcessEnv) {
  const config = loadConfig(env);
  const app = await buildApp({ db: await testDB(t), bcryptCost: 4, profile: config.profile, security: config.security, server: serverOptions(config) });
  t.teardown(() => app.close());
  return app;
}

t.test('in production, only PUBLIC_ORIGIN\'s host is served', async (t) => {
  const app = await service(t, production);
  const ok = await app.inject({ url: '/', headers: { host: 'auth.example.com' } });
  t.equal(ok.statusCode, 200, 'the public host');
  t.equal((await app.inject({ url: '/', headers: { host: 'AUTH.example.com:443' } })).statusCode, 200, 'in any case, with a port');
  for (const host of ['attacker.example', 'auth.example.com.attacker.example', '10.0.0.5:5000', 'localhost']) {
    const refused = await app.inject({ method: 'POST', url: '/users', headers: { host }, payload: { email: 'x@example.com', password: 'long-enough-password-here' } });
    t.equal(refused.statusCode, 421, `${host}: 421`);
    t.same(refused.json(), { statusCode: 421, code: 'ERR_MISDIRECTED_REQUEST', error: 'Misdirected Request', message: 'this service does not answer for the host this request names' });
    t.ok(refused.headers['x-request-id'], 'with its request id');
  }
  const forwarded = await app.inject({ url: '/', headers: { host: '10.0.0.5:5000', 'x-forwarded-host': 'auth.example.com' } });
  t.equal(forwarded.statusCode, 200, 'behind the trusted proxy, X-Forwarded-Host is the host the browser used');
});

t.test('probes from a load balancer that names the instance by its address are answered', async (t) => {
  const app = await service(t, production);
  t.equal((await app.inject({ url: '/healthz', headers: { host: '10.0.0.5:5000' } })).statusCode, 200);
  t.equal((await app.inject({ url: '/readyz?full=1', headers: { host: '10.0.0.5:5000' } })).statusCode, 200);
  t.equal((await app.inject({ url: '/nowhere', headers: { host: '10.0.0.5:5000' } })).statusCode, 421, 'an unknown route is no probe');
});

t.test('ALLOWED_HOSTS names the hosts in any profile', async (t) => {
  const app = await service(t, { ALLOWED_HOSTS: 'Auth.Example.com, www.example.com,[::1]' });
  for (const host of ['auth.example.com', 'www.example.com:5000', '[::1]:5000']) t.equal((await app.inject({ url: '/', headers: { host } })).statusCode, 200, host);
  t.equal((await app.inject({ url: '/', headers: { host: 'localhost' } })).statusCode, 421);
  const open = await service(t, {});
  t.equal((await open.inject({ url: '/', headers: { host: 'anything.example' } })).statusCode, 200, 'the course profile serves every host by default');
});
