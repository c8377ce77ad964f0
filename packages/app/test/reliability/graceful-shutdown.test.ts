/** SIGTERM with requests in flight: every accepted request is answered, then the process exits 0 before the drain limit. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { isolatedTarget } from '@hallpass/db/testing';
import { tsLoader } from '../fixtures/spawn.ts';
import { call, postgresDatabase, postgresUrl, skipReason, type Answer } from '../fixtures/reliability.ts';

const serverEntry = fileURLToPath(new URL('../../src/server.ts', import.meta.url));

/**
 * Starts the server with `env` added, and waits until it listens: its base URL, and a way to wait for its log.
 * At `debug`, the log has a line for each request as it arrives (`incoming request`), not only when answered.
 */
async function startServer(t: Test, env: Record<string, string>) {
  const child = spawn(process.execPath, [...tsLoader(), serverEntry], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'debug', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const log = { text: '' };
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    log.text += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  });
  /** Resolves once the server's log satisfies `test` (re-checked on every line it prints). */
  const until = async (test: (output: string) => boolean) => {
    while (!test(log.text)) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  await until((output) => /Server listening at http:\/\/127\.0\.0\.1:\d+/.test(output));
  const base = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(log.text)?.[1] ?? '';
  return { child, log, until, base, port: Number(new URL(base).port) };
}

if (postgresUrl === undefined) t.test(skipReason, { skip: skipReason }, () => {});
else
  t.test('requests in flight at SIGTERM all get their answer; exit 0 within SHUTDOWN_TIMEOUT_MS', async (t) => {
    const url = await postgresDatabase(t);
    // Generous, for a busy machine: running out of it would show as exit status 1.
    const drainLimitMs = 120_000;
    // bcrypt at cost 10 keeps each sign-up busy long enough to be in flight at the signal.
    const { child, log, until, base } = await startServer(t, { DATABASE_URL: url, BCRYPT_COST: '10', SHUTDOWN_TIMEOUT_MS: String(drainLimitMs) });

    const inFlight = 8;
    const answers: Array<Promise<Answer>> = Array.from({ length: inFlight }, (_, i) =>
      call(base, 'POST', '/users', { email: `user${i}@example.com`, password: 'pw-12345' }),
    );
    // Every request has reached a handler (the server logs each as it arrives) before the signal.
    await until((output) => (output.match(/"incoming request"/g) ?? []).length >= inFlight);
    child.kill('SIGTERM');
    const settled = await Promise.allSettled(answers);
    const [code] = (await once(child, 'exit')) as [number | null];

    t.same(
      settled.map((s) => (s.status === 'fulfilled' ? s.value.status : String(s.reason))),
      Array.from({ length: inFlight }, () => 200),
      'every request in flight was answered 200',
    );
    t.equal(code, 0, 'exit status 0: the requests ended before the drain limit (which exits 1)');
    t.match(log.text, /shutting down/);
  });

// The drain limit does not depend on the database, so this one runs on the embedded one too.
t.test('a request still in flight at SHUTDOWN_TIMEOUT_MS is abandoned: the process exits 1 and says why', async (t) => {
  const target = await isolatedTarget(t);
  const database: Record<string, string> = target.connection === undefined ? { HALLPASS_DATA_DIR: target.dataDir ?? '' } : { DATABASE_URL: target.connection };
  // The request limit is far beyond the drain limit, so only the drain limit can end the stuck request.
  const { child, log, until, port } = await startServer(t, { ...database, SHUTDOWN_TIMEOUT_MS: '200', HTTP_REQUEST_TIMEOUT_MS: '60000' });

  // A sign-up whose body never finishes arriving: the request is accepted and stays in flight.
  const socket = connect(port, '127.0.0.1');
  t.teardown(() => socket.destroy());
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.write('POST /users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":');
  await until((output) => /"incoming request"/.test(output));
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];

  t.equal(code, 1, 'exit status 1: the drain limit ran out');
  t.match(log.text, /requests still in flight at the drain limit \(SHUTDOWN_TIMEOUT_MS\): exiting anyway/);
});
