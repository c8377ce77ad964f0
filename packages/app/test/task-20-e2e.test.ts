import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { tsLoader } from './fixtures/spawn.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { buildApp, runE2E, stepNames, type StepResult } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';

const cli = fileURLToPath(new URL('../src/e2e-cli.ts', import.meta.url));

type Tamper = (request: FastifyRequest, reply: FastifyReply, payload: unknown) => unknown;

/** The real service listening on a free port; `tamper` lets a test break one answer on the way out. */
async function startService(t: { teardown(fn: () => unknown): void }) {
  const app = await buildApp({ db: await testDB(t), bcryptCost: 4 });
  const state: { tamper: Tamper | undefined } = { tamper: undefined };
  app.addHook('onSend', async (request, reply, payload) => (state.tamper === undefined ? payload : state.tamper(request, reply, payload)));
  t.teardown(() => app.close());
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, state };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Runs `src/e2e-cli.ts` as `pnpm e2e` does, with this process's own TypeScript
 * loader (tap's), so the child's coverage lines up with the parent's.
 */
function runCli(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [...tsLoader(), cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return once(child, 'exit').then(([code]) => ({ code: code as number | null, output }));
}

/** A request's form field, as the client sent it. */
function field(request: FastifyRequest, name: string): unknown {
  return (request.body as Record<string, unknown> | undefined)?.[name];
}

/** A JSON answer replaced by `body`. */
const json = (body: unknown) => JSON.stringify(body);

/** The answers of the service, broken one check at a time: what breaks, how, the step (0-based) that must catch it, and its detail. */
const cases: Array<[string, Tamper, number, RegExp]> = [
  ['sign-up: a status that is not 200, with a body that is not JSON', (request, reply, payload) => {
    if (request.url === '/users') {
      reply.code(500).header('content-type', 'text/plain');
      return 'oops';
    }
    return payload;
  }, 0, /expected status 200, got 500 "oops"/],
  ['sign-up: 201 instead of 200', (request, reply, payload) => {
    if (request.url === '/users') reply.code(201);
    return payload;
  }, 0, /expected status 200, got 201/],
  ['sign-up: the body names another email', (request, _reply, payload) => (request.url === '/users' ? json({ email: 'someone@else.com', message: 'user created' }) : payload), 0, /expected body .*got .*someone@else/],
  ['sign-up: the body has another message', (request, _reply, payload) => (request.url === '/users' ? json({ email: field(request, 'email'), message: 'created' }) : payload), 0, /expected body/],
  ['wrong password: a 200 instead of a 401', (request, reply, payload) => {
    if (request.method === 'POST' && request.url === '/sessions' && reply.statusCode === 401) {
      reply.code(200);
      return json({ email: field(request, 'email'), message: 'logged in' });
    }
    return payload;
  }, 1, /expected status 401, got 200/],
  ['wrong password: a 403 instead of a 401', (request, reply, payload) => {
    if (request.method === 'POST' && request.url === '/sessions' && reply.statusCode === 401) reply.code(403);
    return payload;
  }, 1, /expected status 401, got 403/],
  ['profile without a cookie: a 200 instead of a 403', (request, reply, payload) => {
    if (request.url === '/profile' && request.headers.cookie === undefined) {
      reply.code(200);
      return json({ email: 'someone@example.com' });
    }
    return payload;
  }, 2, /expected status 403, got 200/],
  ['profile without a cookie: a 401 instead of a 403', (request, reply, payload) => {
    if (request.url === '/profile' && request.headers.cookie === undefined) reply.code(401);
    return payload;
  }, 2, /expected status 403, got 401/],
  ['log-in: 201 instead of 200', (request, reply, payload) => {
    if (request.method === 'POST' && request.url === '/sessions' && reply.statusCode === 200) reply.code(201);
    return payload;
  }, 3, /expected status 200, got 201/],
  ['log-in: the body has another message', (request, reply, payload) => (request.method === 'POST' && request.url === '/sessions' && reply.statusCode === 200 ? json({ email: field(request, 'email'), message: 'welcome' }) : payload), 3, /expected body/],
  ['log-in: no session cookie', (request, reply, payload) => {
    if (request.method === 'POST' && request.url === '/sessions') reply.removeHeader('set-cookie');
    return payload;
  }, 3, /expected a session_id cookie/],
  ['log-in: the cookie has another name', (request, reply, payload) => {
    const cookies = [reply.getHeader('set-cookie') ?? []].flat().map(String);
    if (request.method === 'POST' && request.url === '/sessions') {
      reply.removeHeader('set-cookie');
      for (const cookie of cookies) reply.header('set-cookie', cookie.replace(/^session_id=/, 'sessionid='));
    }
    return payload;
  }, 3, /expected a session_id cookie/],
  ['profile with the cookie: 201 instead of 200', (request, reply, payload) => {
    if (request.url === '/profile' && reply.statusCode === 200) reply.code(201);
    return payload;
  }, 4, /expected status 200, got 201/],
  ['profile with the cookie: another email', (request, reply, payload) => (request.url === '/profile' && reply.statusCode === 200 ? json({ email: 'someone@else.com' }) : payload), 4, /expected body .*someone@else/],
  ['log-out: a 303 instead of a 302', (request, reply, payload) => {
    if (request.method === 'DELETE') reply.code(303);
    return payload;
  }, 5, /expected status 302, got 303/],
  ['log-out: a redirect elsewhere', (request, reply, payload) => {
    if (request.method === 'DELETE') reply.header('location', '/elsewhere');
    return payload;
  }, 5, /\/elsewhere/],
  ['log-out: the page it redirects to is not the welcome', (request, _reply, payload) => (request.method === 'GET' && request.url === '/' ? json({ message: 'Hello' }) : payload), 5, /Hello/],
  ['log-out: the page it redirects to is a 500', (request, reply, payload) => {
    if (request.method === 'GET' && request.url === '/') reply.code(500);
    return payload;
  }, 5, /expected status 200, got 500/],
  ['reset token: 201 instead of 200', (request, reply, payload) => {
    if (request.method === 'POST' && request.url === '/reset_password') reply.code(201);
    return payload;
  }, 6, /expected status 200, got 201/],
  ['reset token: an answer without a token', (request, _reply, payload) => (request.method === 'POST' && request.url === '/reset_password' ? 'null' : payload), 6, /null/],
  ['reset token: an empty token', (request, _reply, payload) => (request.method === 'POST' && request.url === '/reset_password' ? json({ email: field(request, 'email'), reset_token: '' }) : payload), 6, /reset_token/],
  ['reset token: another email', (request, _reply, payload) => {
    if (request.method !== 'POST' || request.url !== '/reset_password') return payload;
    return json({ ...(JSON.parse(String(payload)) as object), email: 'someone@else.com' });
  }, 6, /someone@else/],
  ['new password: 201 instead of 200', (request, reply, payload) => {
    if (request.method === 'PUT') reply.code(201);
    return payload;
  }, 7, /expected status 200, got 201/],
  ['new password: another message', (request, _reply, payload) => (request.method === 'PUT' ? json({ email: field(request, 'email'), message: 'ok' }) : payload), 7, /expected body/],
  ['log-in with the new password: 201 instead of 200', (request, reply, payload) => {
    if (request.url === '/sessions' && field(request, 'password') === 't4rt1fl3tt3') reply.code(201);
    return payload;
  }, 8, /expected status 200, got 201/],
  ['log-in with the new password: another message', (request, _reply, payload) => (request.url === '/sessions' && field(request, 'password') === 't4rt1fl3tt3' ? json({ email: field(request, 'email'), message: 'welcome' }) : payload), 8, /expected body/],
  ['log-in with the new password: no session cookie', (request, reply, payload) => {
    if (request.url === '/sessions' && field(request, 'password') === 't4rt1fl3tt3') reply.removeHeader('set-cookie');
    return payload;
  }, 8, /expected a session_id cookie/],
];

// One service for the file: the client makes a fresh account on every run.
const { url, state } = await startService(t);

t.test('the client walks the whole flow against a running server, step by step', async (t) => {
  const reported: StepResult[] = [];
  const result = await runE2E(url, { report: (step, index, total) => {
    t.equal(index, reported.length);
    t.equal(total, stepNames.length);
    reported.push(step);
  } });
  t.ok(result.ok, JSON.stringify(result.steps.filter((s) => !s.ok)));
  t.equal(result.steps.length, 9);
  t.same(result.steps.map((s) => s.name), stepNames);
  t.same(reported, result.steps, 'every step was reported as it ran');
  t.match(result.email, /^e2e-\d+-[0-9a-f]{8}@example\.com$/);

  const again = await runE2E(url);
  t.ok(again.ok, 'it can run again: each run uses a new account');
  t.not(again.email, result.email);
});

t.test('the client stops at the first step that does not get what the contract says', async (t) => {
  t.teardown(() => {
    state.tamper = undefined;
  });
  const port = await closedPort();
  const unreachable = await runE2E(`http://127.0.0.1:${port}`);
  t.notOk(unreachable.ok);
  t.equal(unreachable.steps.length, 1, 'it stops at the first step');
  t.match(unreachable.steps[0], { ok: false, detail: /cannot reach http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/ });

  for (const [what, tamper, failingStep, detail] of cases) {
    state.tamper = tamper;
    const result = await runE2E(url);
    t.notOk(result.ok, `${what}: the walk fails`);
    t.equal(result.steps.length, failingStep + 1, `${what}: step ${failingStep + 1} (${stepNames[failingStep]}) must catch it, but the walk stopped after step ${result.steps.length}`);
    t.match(result.steps.at(-1), { ok: false, name: stepNames[failingStep], detail }, `${what}: step ${failingStep + 1} fails and says why`);
    t.ok(result.steps.slice(0, -1).every((s) => s.ok), `${what}: the steps before passed`);
  }
});

t.test('`pnpm e2e [baseUrl]` prints a line per step and exits 0, or 1 at the first failure', async (t) => {
  const passed = await runCli([url]);
  t.equal(passed.code, 0, passed.output);
  t.ok(passed.output.startsWith(`end-to-end walk against ${url}\n`), 'it says which server it walks');
  for (let step = 1; step <= 9; step++) t.match(passed.output, new RegExp(`^ok {3}${step}/9 `, 'm'));
  t.match(passed.output, /all 9 steps passed/);

  const failed = await runCli([`http://127.0.0.1:${await closedPort()}`]);
  t.equal(failed.code, 1);
  t.match(failed.output, /^FAIL 1\/9 sign up \(POST \/users\): cannot reach/m);
  t.match(failed.output, /stopped at the first failure/);

  for (const bad of ['not a url', 'ftp://127.0.0.1/']) {
    const usage = await runCli([bad]);
    t.equal(usage.code, 2, bad);
    t.match(usage.output, /usage: pnpm e2e \[baseUrl\]/);
  }
});
