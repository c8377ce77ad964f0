/**
 * The end-to-end client (the original's `main.py`): walks the whole flow against
 * a running server over real HTTP, as an outside client would, and stops at the
 * first answer that is not what the contract says.
 */
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { TaskNotDoneError } from '@hallpass/db';

/** One step of the walk: what it checked, and what it saw. */
export interface StepResult {
  name: string;
  ok: boolean;
  detail: string;
}

export interface E2EOptions {
  /** The account to create; a fresh one per run by default, so the walk can be repeated. */
  email?: string;
  password?: string;
  newPassword?: string;
  /** Called after every step, passed or failed, e.g. to print it. */
  report?: (step: StepResult, index: number, total: number) => void;
}

export interface E2EResult {
  ok: boolean;
  email: string;
  steps: StepResult[];
}

/** The walk's steps, in order. */
export const stepNames = [
  'sign up (POST /users)',
  'log in with a wrong password is refused (POST /sessions → 401)',
  'profile without a cookie is refused (GET /profile → 403)',
  'log in (POST /sessions)',
  'profile with the session cookie (GET /profile)',
  'log out, following the redirect (DELETE /sessions → 302 → GET /)',
  'ask for a reset token (POST /reset_password)',
  'set a new password with the token (PUT /reset_password)',
  'log in with the new password (POST /sessions)',
] as const;

/** A step saw something other than what it expected. */
class StepFailed extends Error {}

interface Answer {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
}

/** A small HTTP client: form-encoded bodies (as the original's clients send), no automatic redirects. */
function client(baseUrl: string) {
  return async (method: string, path: string, options: { form?: Record<string, string>; cookie?: string } = {}): Promise<Answer> => {
    const url = new URL(path, baseUrl);
    const headers: Record<string, string> = {};
    if (options.cookie !== undefined) headers.cookie = `session_id=${options.cookie}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        redirect: 'manual',
        ...(options.form === undefined ? {} : { body: new URLSearchParams(options.form) }),
      });
    } catch (error) {
      // Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND…) is its cause.
      /* c8 ignore next - every network error of Node's fetch has a cause */
      const cause = (error as { cause?: unknown }).cause ?? error;
      throw new StepFailed(`cannot reach ${url.origin}: ${(cause as Error).message}`);
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text, the check will show it
    }
    return { status: response.status, headers: response.headers, body };
  };
}

function expectStatus(answer: Answer, status: number): void {
  if (answer.status !== status) {
    throw new StepFailed(`expected status ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}

function expectBody(answer: Answer, expected: unknown): void {
  if (!isDeepStrictEqual(answer.body, expected)) {
    throw new StepFailed(`expected body ${JSON.stringify(expected)}, got ${JSON.stringify(answer.body)}`);
  }
}

/** The value of the `session_id` cookie an answer sets. */
function sessionCookie(answer: Answer): string {
  for (const header of answer.headers.getSetCookie()) {
    const match = /^session_id=([^;]+)/.exec(header);
    if (match?.[1] !== undefined) return match[1];
  }
  throw new StepFailed(`expected a session_id cookie, got Set-Cookie: ${JSON.stringify(answer.headers.getSetCookie())}`);
}

/** Walks the flow against `baseUrl` (e.g. `http://127.0.0.1:5000`); stops at the first failing step. */
export async function runE2E(baseUrl: string, options: E2EOptions = {}): Promise<E2EResult> {
  const email = options.email ?? `e2e-${Date.now()}-${randomBytes(4).toString('hex')}@example.com`;
  const password = options.password ?? 'b4l0u';
  const newPassword = options.newPassword ?? 't4rt1fl3tt3';
  const http = client(baseUrl);
  const steps: StepResult[] = [];
  const checks = walk(http, email, password, newPassword);
  for (const [index, name] of stepNames.entries()) {
    let step: StepResult;
    try {
      step = { name, ok: true, detail: await (checks[index] as () => Promise<string>)() };
    } catch (error) {
      step = { name, ok: false, detail: (error as Error).message };
    }
    steps.push(step);
    options.report?.(step, index, stepNames.length);
    if (!step.ok) return { ok: false, email, steps };
  }
  return { ok: true, email, steps };
}

/** The checks behind `stepNames`, one function each, sharing the session and token they obtain. */
function walk(http: ReturnType<typeof client>, email: string, password: string, newPassword: string): Array<() => Promise<string>> {
  // #region task-20
  let sessionId = '';
  let resetToken = '';
  return [
    async () => {
      const answer = await http('POST', '/users', { form: { email, password } });
      expectStatus(answer, 200);
      expectBody(answer, { email, message: 'user created' });
      return `200, account ${email} created`;
    },
    async () => {
      const answer = await http('POST', '/sessions', { form: { email, password: `${password}-wrong` } });
      expectStatus(answer, 401);
      return '401';
    },
    async () => {
      expectStatus(await http('GET', '/profile'), 403);
      return '403';
    },
    async () => {
      const answer = await http('POST', '/sessions', { form: { email, password } });
      expectStatus(answer, 200);
      expectBody(answer, { email, message: 'logged in' });
      sessionId = sessionCookie(answer);
      return '200, session_id cookie set';
    },
    async () => {
      const answer = await http('GET', '/profile', { cookie: sessionId });
      expectStatus(answer, 200);
      expectBody(answer, { email });
      return `200, ${email}`;
    },
    async () => {
      const answer = await http('DELETE', '/sessions', { cookie: sessionId });
      expectStatus(answer, 302);
      const location = answer.headers.get('location');
      if (location !== '/') throw new StepFailed(`expected Location: /, got ${JSON.stringify(location)}`);
      // A 302 is followed with GET, as browsers and the original's client do (fetch would repeat the DELETE).
      const landing = await http('GET', location);
      expectStatus(landing, 200);
      expectBody(landing, { message: 'Bienvenue' });
      return '302 to /, which answers Bienvenue';
    },
    async () => {
      const answer = await http('POST', '/reset_password', { form: { email } });
      expectStatus(answer, 200);
      const token = (answer.body as { reset_token?: unknown } | null)?.reset_token;
      if (typeof token !== 'string' || token === '') throw new StepFailed(`expected a reset_token, got ${JSON.stringify(answer.body)}`);
      expectBody(answer, { email, reset_token: token });
      resetToken = token;
      return '200, reset token received';
    },
    async () => {
      const answer = await http('PUT', '/reset_password', { form: { email, reset_token: resetToken, new_password: newPassword } });
      expectStatus(answer, 200);
      expectBody(answer, { email, message: 'Password updated' });
      return '200, password updated';
    },
    async () => {
      const answer = await http('POST', '/sessions', { form: { email, password: newPassword } });
      expectStatus(answer, 200);
      expectBody(answer, { email, message: 'logged in' });
      sessionCookie(answer);
      return '200, logged in with the new password';
    },
  ];
  // #stub
  // throw new TaskNotDoneError(20, 'write the end-to-end client: one check per step of `stepNames`, against the running server');
  // #endregion
}
