import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { isolatedTarget } from '@hallpass/db/testing';
import { whenListening } from './fixtures/server.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs a command to its end and resolves with its exit status and everything it printed. */
async function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; output: string }> {
  const child = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

/**
 * The environment of a plain `node`: no NODE_OPTIONS, so tap's TypeScript loader
 * is not inherited and any `.ts` file the built server tried to load would fail
 * with ERR_UNKNOWN_FILE_EXTENSION. tap's process tracker is told not to record
 * coverage of a child that runs no source file of ours.
 */
function plainNodeEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', DATABASE_URL: '', ...extra };
  delete env.NODE_OPTIONS;
  env._TAPJS_PROCESSINFO_COVERAGE_ = '0';
  return env;
}

t.test('pnpm build compiles the service to one JavaScript file and pnpm start:prod serves it with plain node', async (t) => {
  // What `pnpm build` runs (the root package.json's script), called directly so the test needs no pnpm.
  const build = await run(process.execPath, ['packages/app/bin/build.mjs']);
  t.equal(build.code, 0, `the build succeeds${build.output === '' ? '' : `:\n${build.output}`}`);
  for (const file of ['packages/app/dist/server.mjs', 'packages/app/dist/server.js', 'packages/app/dist/try/index.html', 'packages/app/dist/try/try.js', 'packages/auth/dist/index.js', 'packages/db/dist/index.js', 'packages/user-model/dist/src/index.js']) {
    await access(new URL(file, `file://${repoRoot}`));
    t.pass(`${file} is built`);
  }

  const target = await isolatedTarget(t);
  const env = plainNodeEnv(target.connection === undefined ? { HALLPASS_DATA_DIR: target.dataDir ?? '' } : { DATABASE_URL: target.connection });
  // What `pnpm start:prod` runs.
  const child = spawn(process.execPath, ['packages/app/dist/server.mjs'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const server = whenListening(child, 'the built server');
  const base = await server.listening;

  const response = await fetch(`${base}/`);
  t.equal(response.status, 200, 'GET / answers');
  t.same(await response.json(), { message: 'Bienvenue' });
  const signUp = await fetch(`${base}/users`, { method: 'POST', body: new URLSearchParams({ email: 'built@example.com', password: 'b0ilerplate' }) });
  t.equal(signUp.status, 200, 'POST /users reaches the built auth and db packages');
  const page = await fetch(`${base}/try`);
  t.equal(page.status, 200, 'GET /try serves the page from the copied files');
  t.match(await page.text(), /<html/, 'and the page is the HTML file');
  const login = await fetch(`${base}/sessions`, { method: 'POST', body: new URLSearchParams({ email: 'built@example.com', password: 'b0ilerplate' }) });
  t.equal(login.status, 200, 'POST /sessions reaches bcrypt, left out of the bundle');
  const docs = await fetch(`${base}/docs/static/swagger-initializer.js`);
  t.equal(docs.status, 200, 'GET /docs serves swagger-ui\'s files from its installed folder');

  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  t.equal(code, 0, 'the built server stops cleanly on SIGTERM');
  t.notMatch(server.output(), /ERR_UNKNOWN_FILE_EXTENSION|\.ts\b/, 'no TypeScript file was loaded');
});
