/** The HTTP server's limits: a client too slow or too broken is cut off, answered and logged. */
import { once } from 'node:events';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import t from 'tap';
import { buildApp, serverOptions } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';

async function listeningApp(t: { teardown(fn: () => unknown): void }, limits: Parameters<typeof serverOptions>[0]) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const app = await buildApp({ db: await testDB(t), bcryptCost: 4, logger: { level: 'info', stream }, server: serverOptions(limits) });
  t.teardown(() => app.close());
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, lines, port: (app.server.address() as { port: number }).port };
}

/** Opens a raw connection, runs `talk` on it, and resolves with everything the server sent once it closes. */
async function rawExchange(port: number, talk: (write: (text: string) => void) => void): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  socket.on('error', () => {});
  talk((text) => {
    if (!socket.destroyed) socket.write(text);
  });
  await once(socket, 'close');
  return received;
}

const limits = { requestTimeoutMs: 600, headersTimeoutMs: 300, keepAliveTimeoutMs: 5_000, idleTimeoutMs: 30_000 };

t.test('a client that dribbles its body is cut off at the request timeout with 408, and it is logged', async (t) => {
  const { lines, port } = await listeningApp(t, limits);
  let sent = 0;
  const answer = await rawExchange(port, (write) => {
    write('POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n');
    // One byte every 100 ms: never idle long enough for the idle timeout, never finished.
    const timer = setInterval(() => {
      sent++;
      write('e');
    }, 100);
    t.teardown(() => clearInterval(timer));
  });
  t.match(answer, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  t.match(answer, /"message":"the request did not arrive in time"/);
  // the body would have been whole after 1000 bytes (100 s): cut off before, so the limit did it, however busy the machine
  t.ok(sent < 1000, `cut off after ${sent} of 1000 bytes`);
  t.ok(lines.some((line) => line.level === 40 && line.statusCode === 408 && String(line.msg).startsWith('client cut off')), 'logged as a warning');
});

t.test('headers that never finish are cut off too', async (t) => {
  const { port } = await listeningApp(t, limits);
  const answer = await rawExchange(port, (write) => write('GET / HTTP/1.1\r\nHost: x\r\n'));
  t.match(answer, /^HTTP\/1\.1 408 /);
});

t.test('a request that is not HTTP is a 400 JSON answer, and oversized headers a 431', async (t) => {
  const { port, lines } = await listeningApp(t, limits);
  t.match(await rawExchange(port, (write) => write('HELLO\r\n\r\n')), /^HTTP\/1\.1 400 Bad Request[\s\S]*"message":"the request is not valid HTTP"/);
  t.match(await rawExchange(port, (write) => write(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)), /^HTTP\/1\.1 431 /);
  t.ok(lines.some((line) => line.statusCode === 400) && lines.some((line) => line.statusCode === 431), 'both logged');
});

t.test('a client that resets its connection is simply forgotten', async (t) => {
  const { app, lines } = await listeningApp(t, limits);
  const before = lines.length;
  const socket = connect((app.server.address() as { port: number }).port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
  socket.resetAndDestroy();
  await once(socket, 'close');
  const answer = await app.inject('/');
  t.equal(answer.statusCode, 200, 'the server carries on');
  t.notOk(lines.slice(before).some((line) => String(line.msg).startsWith('client cut off')), 'nothing to log');
});

t.test('the limits map onto Fastify\'s and Node\'s settings', async (t) => {
  const options = serverOptions({ requestTimeoutMs: 10_000, headersTimeoutMs: 5_000, keepAliveTimeoutMs: 65_000, idleTimeoutMs: 30_000 });
  t.match(options, { requestTimeout: 10_000, connectionTimeout: 30_000, keepAliveTimeout: 65_000, http: { headersTimeout: 5_000, connectionsCheckingInterval: 1_000 } });
});

t.test('the client-error handler answers only a connection that can still hear it', async (t) => {
  const { clientErrorHandler } = serverOptions(limits);
  if (clientErrorHandler === undefined) throw new Error('serverOptions sets no clientErrorHandler');
  const warnings: unknown[] = [];
  const log = { warn: (...args: unknown[]) => warnings.push(args) };
  const fakeSocket = (state: { destroyed: boolean; writable: boolean }) => {
    const socket = { ...state, remoteAddress: '127.0.0.1', written: [] as string[], destroyCalls: 0 };
    return Object.assign(socket, {
      write: (text: string) => socket.written.push(text),
      destroy: () => socket.destroyCalls++,
    });
  };
  const handle = (code: string, socket: ReturnType<typeof fakeSocket>) =>
    clientErrorHandler.call({ log } as never, Object.assign(new Error('client error'), { code }) as never, socket as never);

  // A reset reaches the handler on a socket Node has not destroyed yet: nobody to answer.
  const reset = fakeSocket({ destroyed: false, writable: true });
  handle('ECONNRESET', reset);
  t.same([reset.written, reset.destroyCalls, warnings.length], [[], 0, 0], 'reset: nothing written, nothing logged');

  // Any other error on a socket that is already gone: likewise.
  const gone = fakeSocket({ destroyed: true, writable: false });
  handle('HPE_INVALID_METHOD', gone);
  t.same([gone.written, gone.destroyCalls, warnings.length], [[], 0, 0], 'destroyed socket: nothing written, nothing logged');

  // A socket the client has half-closed can no longer be written to: logged and closed, no answer.
  const halfClosed = fakeSocket({ destroyed: false, writable: false });
  handle('HPE_INVALID_METHOD', halfClosed);
  t.same([halfClosed.written, halfClosed.destroyCalls, warnings.length], [[], 1, 1], 'half-closed socket: logged and closed, nothing written');
});
