/** SIGTERM with requests in flight: every accepted request is answered, then the process exits 0 within the drain limit. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { tsLoader } from '../fixtures/spawn.ts';
import { call, postgresDatabase, postgresUrl, skipReason, type Answer } from '../fixtures/reliability.ts';

const serverEntry = fileURLToPath(new URL('../../src/server.ts', import.meta.url));

if (postgresUrl === undefined) t.test(skipReason, { skip: skipReason }, () => {});
else
  t.test('requests in flight at SIGTERM all get their answer; exit 0 within SHUTDOWN_TIMEOUT_MS', async (t) => {
    const url = await postgresDatabase(t);
    const drainLimitMs = 30_000;
    const child = spawn(process.execPath, [...tsLoader(), serverEntry], {
      // bcrypt at cost 10 keeps each sign-up busy long enough to be in flight at the signal.
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATABASE_URL: url, BCRYPT_COST: '10', LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: String(drainLimitMs) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    t.teardown(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let output = '';
    const waiters: Array<() => void> = [];
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      for (const wake of waiters.splice(0)) wake();
    });
    const until = async (test: () => boolean) => {
      while (!test()) await new Promise<void>((resolve) => waiters.push(resolve));
    };
    await until(() => /Server listening at http:\/\/127\.0\.0\.1:\d+/.test(output));
    const base = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? '';

    const inFlight = 8;
    const answers: Array<Promise<Answer>> = Array.from({ length: inFlight }, (_, i) =>
      call(base, 'POST', '/users', { email: `user${i}@example.com`, password: 'pw-12345' }, undefined, drainLimitMs),
    );
    // Every request has reached a handler (the server logs each as it arrives) before the signal.
    await until(() => (output.match(/"incoming request"/g) ?? []).length >= inFlight);
    const signalled = Date.now();
    child.kill('SIGTERM');
    const settled = await Promise.allSettled(answers);
    const [code] = (await once(child, 'exit')) as [number | null];
    const took = Date.now() - signalled;

    t.same(
      settled.map((s) => (s.status === 'fulfilled' ? s.value.status : String(s.reason))),
      Array.from({ length: inFlight }, () => 200),
      'every request in flight was answered 200',
    );
    t.equal(code, 0, 'exit status 0');
    t.ok(took < drainLimitMs, `stopped ${took} ms after the signal, within the ${drainLimitMs} ms drain limit`);
    t.match(output, /shutting down/);
  });
