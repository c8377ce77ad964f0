/** Request ids tie an answer to its log lines; logs and errors never show credentials. */
import { Writable } from 'node:stream';
import t from 'tap';
import { buildApp, redactPath, requestIdGenerator, requestIdOf, serverOptions } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';

function logSink() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

/** The service behind a proxy at 127.0.0.1 (where `inject`'s requests come from), as `TRUST_PROXY=127.0.0.1` sets it. */
const behindProxy = serverOptions({ requestTimeoutMs: 10_000, headersTimeoutMs: 5_000, keepAliveTimeoutMs: 5_000, idleTimeoutMs: 30_000, trustProxy: '127.0.0.1' });

t.test('from a trusted proxy, a well-formed X-Request-Id is kept, returned, and on the request\'s log lines', async (t) => {
  const { lines, stream } = logSink();
  const app = await buildApp({ db: await testDB(t), logger: { level: 'info', stream }, server: behindProxy });
  t.teardown(() => app.close());
  for (const id of ['0b9d2c2e-7f43-4a43-9c1a-3f1f0d7e2a11', 'lb-trace.42:7', 'a'.repeat(128)]) {
    const response = await app.inject({ url: '/', headers: { 'x-request-id': id } });
    t.equal(response.headers['x-request-id'], id, `${id.slice(0, 20)} is returned`);
    t.ok(lines.some((line) => line.reqId === id && line.msg === 'request completed'), `${id.slice(0, 20)} is logged`);
  }
});

t.test('from anyone but a trusted proxy, X-Request-Id is replaced by a new UUID: a client cannot pick its requests\' ids', async (t) => {
  const id = '0b9d2c2e-7f43-4a43-9c1a-3f1f0d7e2a11';
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const direct = await buildApp({ db: await testDB(t) });
  t.teardown(() => direct.close());
  const answer = await direct.inject({ url: '/', headers: { 'x-request-id': id } });
  t.not(answer.headers['x-request-id'], id, 'without TRUST_PROXY, the id is the service\'s own');
  t.match(answer.headers['x-request-id'], uuid);
  const proxied = await buildApp({ db: await testDB(t), server: behindProxy });
  t.teardown(() => proxied.close());
  const stranger = await proxied.inject({ url: '/', headers: { 'x-request-id': id }, remoteAddress: '203.0.113.9' });
  t.not(stranger.headers['x-request-id'], id, 'from an address TRUST_PROXY does not name, likewise');
  t.equal((await proxied.inject({ url: '/', headers: { 'x-request-id': id } })).headers['x-request-id'], id, 'from the proxy, kept');
});

t.test('each way of naming the trusted proxies is read as Fastify reads it', async (t) => {
  const id = 'trace-7';
  const cases: Array<[string, Parameters<typeof requestIdGenerator>[0], string | undefined, boolean]> = [
    ['unset', undefined, '127.0.0.1', false],
    ['true: every peer', true, '203.0.113.9', true],
    ['a function', (address: string) => address === '10.0.0.1', '10.0.0.1', true],
    ['a list', ['10.0.0.0/8', '::1'], '10.1.2.3', true],
    ['a list, from elsewhere', ['10.0.0.0/8'], '192.0.2.1', false],
    ['a comma-separated text', '10.0.0.0/8, 192.0.2.1', '192.0.2.1', true],
    ['a connection already closed (no address)', '10.0.0.0/8', undefined, false],
  ];
  for (const [name, trustProxy, address, kept] of cases) {
    const given = requestIdGenerator(trustProxy)({ headers: { 'x-request-id': id }, socket: { remoteAddress: address } } as never);
    t.equal(given === id, kept, name);
  }
});

t.test('a missing or malformed X-Request-Id from a trusted proxy is replaced by a new UUID', async (t) => {
  const app = await buildApp({ db: await testDB(t), server: behindProxy });
  t.teardown(() => app.close());
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const seen = new Set<string>();
  for (const given of [undefined, '', 'has space', 'line\nbreak"}', 'a'.repeat(129), 'ünïcode']) {
    const headers: Record<string, string> = given === undefined ? {} : { 'x-request-id': given };
    const response = await app.inject({ url: '/', headers });
    const id = String(response.headers['x-request-id']);
    t.match(id, uuid, `${JSON.stringify(given)} gets a UUID`);
    seen.add(id);
  }
  t.equal(seen.size, 6, 'a new one each time');
  t.equal(requestIdOf({ headers: { 'x-request-id': ['a', 'b'] } } as never).length, 36, 'a repeated header is not trusted');
});

t.test('the id is on error answers too', async (t) => {
  const app = await buildApp({ db: await testDB(t), server: behindProxy });
  t.teardown(() => app.close());
  for (const [method, url] of [['GET', '/nowhere'], ['POST', '/users'], ['GET', '/profile']] as const) {
    const response = await app.inject({ method, url, headers: { 'x-request-id': 'req-1' } });
    t.ok(response.statusCode >= 400, `${method} ${url} fails`);
    t.equal(response.headers['x-request-id'], 'req-1', `${method} ${url} carries the id`);
  }
});

t.test('credentials in a request\'s query string are not logged', async (t) => {
  const { lines, stream } = logSink();
  const app = await buildApp({ db: await testDB(t), logger: { level: 'info', stream } });
  t.teardown(() => app.close());
  await app.inject({ url: '/?password=hunter2&token=abc123&page=2', headers: { 'proxy-authorization': 'Basic c2VjcmV0' } });
  const logged = JSON.stringify(lines);
  for (const secret of ['hunter2', 'abc123', 'c2VjcmV0']) t.notOk(logged.includes(secret), `${secret} is not in the log`);
  t.ok(lines.some((line) => (line.req as { url?: string } | undefined)?.url === '/?password=***&token=***&page=2'), 'the URL is logged with its secrets hidden');
});

t.test('redactPath hides secret parameters of a path', async (t) => {
  t.equal(redactPath('/profile'), '/profile');
  t.equal(redactPath('/x?a=1&sslpassword=s&api_key=k'), '/x?a=1&sslpassword=***&api_key=***');
  t.equal(redactPath('?password=p'), '/?password=***');
  t.equal(redactPath('//other.example/?password=p'), '//other.example/?password=***', 'a path that looks like a host stays a path');
});

t.test('custom serializers given by the caller are kept', async (t) => {
  const { lines, stream } = logSink();
  const app = await buildApp({ db: await testDB(t), logger: { level: 'info', stream, serializers: { res: () => ({ custom: true }) } } });
  t.teardown(() => app.close());
  await app.inject('/');
  t.ok(lines.some((line) => (line.res as { custom?: boolean } | undefined)?.custom === true));
});

t.test('a database that is unreachable is a 503 with Retry-After, not a 500', async (t) => {
  const app = await buildApp({ db: await testDB(t) });
  t.teardown(() => app.close());
  app.get('/terminated', async () => {
    throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
  });
  const response = await app.inject({ url: '/terminated' });
  t.equal(response.statusCode, 503);
  t.equal(response.headers['retry-after'], '1');
  t.same(response.json(), { statusCode: 503, code: 'ERR_DATABASE_UNAVAILABLE', error: 'Service Unavailable', message: 'the database is unavailable; try again shortly' });
});
