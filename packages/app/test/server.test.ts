import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const launcher = fileURLToPath(new URL('../bin/start.mjs', import.meta.url));
const serverEntry = fileURLToPath(new URL('../src/server.ts', import.meta.url));

/**
 * Starts `src/server.ts` and resolves with its address once it listens. By default
 * the child loads TypeScript with this process's loader (tap's), so its coverage
 * lines up with the other test files'. `via: 'launcher'` goes through
 * `bin/start.mjs` exactly as `pnpm start` does; that child compiles with tsx,
 * whose output differs, so it records no coverage (merged, it would garble the report).
 */
function startServer(t: { teardown(fn: () => unknown): void }, env: Record<string, string>, via: 'loader' | 'launcher' = 'loader') {
  const base: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', DATABASE_URL: '', ...env };
  if (via === 'launcher') delete base.NODE_V8_COVERAGE;
  const child = spawn(process.execPath, via === 'launcher' ? [launcher] : [...process.execArgv, serverEntry], {
    env: base,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let output = '';
  const listening = new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${output}`)));
  });
  return { child, listening, output: () => output };
}

async function tempDir(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hallpass-server-test-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test('the server starts on a fresh data folder, answers GET /, and stops cleanly on SIGTERM', async (t) => {
  const dataDir = join(await tempDir(t), 'data');
  const server = startServer(t, { HALLPASS_DATA_DIR: dataDir });
  const base = await server.listening;
  const response = await fetch(`${base}/`);
  t.equal(response.status, 200);
  t.same(await response.json(), { message: 'Bienvenue' });
  await access(join(dataDir, 'PG_VERSION'));
  t.pass('the embedded database keeps its files in HALLPASS_DATA_DIR');

  server.child.kill('SIGTERM');
  const [code] = await once(server.child, 'exit');
  t.equal(code, 0, 'exit status 0 after a graceful shutdown');
  t.match(server.output(), /shutting down/);
  await t.rejects(access(join(dataDir, 'hallpass.lock')), 'the data folder is unlocked');
});

t.test('bad configuration stops the server with every problem listed', async (t) => {
  const server = startServer(t, { PORT: 'x', LOG_LEVEL: 'loud' });
  await t.rejects(server.listening, /exited with 2/);
  t.match(server.output(), /hallpass cannot start: invalid configuration/);
  t.match(server.output(), /PORT must be a whole number/);
  t.match(server.output(), /LOG_LEVEL must be one of/);
});

t.test('a port already taken is a clear error, and the data folder is released', async (t) => {
  const blocker = createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  t.teardown(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  const dataDir = join(await tempDir(t), 'data');
  const server = startServer(t, { PORT: String(port), HALLPASS_DATA_DIR: dataDir });
  await t.rejects(server.listening, /exited with 1/);
  t.match(server.output(), /hallpass cannot start: the port is already in use/);
  await t.rejects(access(join(dataDir, 'hallpass.lock')), 'the lock was released');
});

t.test('`pnpm start`\'s launcher (bin/start.mjs) runs the same server', async (t) => {
  const dataDir = join(await tempDir(t), 'data');
  const server = startServer(t, { HALLPASS_DATA_DIR: dataDir }, 'launcher');
  const base = await server.listening;
  t.same(await (await fetch(`${base}/`)).json(), { message: 'Bienvenue' });
  server.child.kill('SIGTERM');
  const [code] = await once(server.child, 'exit');
  t.equal(code, 0, 'exit status 0 after a graceful shutdown');
});
