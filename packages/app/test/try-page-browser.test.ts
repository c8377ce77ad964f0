/**
 * The /try page in a real browser: Debian's Chromium, headless, driven by
 * playwright-core, against the service listening on a free port. Screenshots of
 * each step go to test-artifacts/try-page/ (gitignored).
 *
 * Without Chromium the file is skipped with one line, unless
 * HALLPASS_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
 */
import type { IncomingMessage } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildApp } from '@hallpass/app';
import { testDB } from '@hallpass/db/testing';

const executablePath = process.env.HALLPASS_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a headless Chromium on a machine without a network: no background connections, no sandbox as root. */
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const artifacts = fileURLToPath(new URL('../test-artifacts/try-page/', import.meta.url));

/** The policy the page must work under, set on its answers when the service sets none itself (the security track will). */
const csp = "default-src 'self'";

if (!existsSync(executablePath)) {
  const why = `no Chromium at ${executablePath} (apt-get install chromium, or set HALLPASS_CHROMIUM)`;
  if (process.env.HALLPASS_REQUIRE_BROWSER === '1') t.fail(`${why}, and HALLPASS_REQUIRE_BROWSER=1 says the browser tests must run`);
  else t.plan(0, `browser tests skipped: ${why}`);
} else {
  await browserTests();
}

interface Seen {
  method: string;
  url: string;
  site: string | undefined;
  origin: string | undefined;
}

async function browserTests(): Promise<void> {
  await mkdir(artifacts, { recursive: true });
  const db = await testDB(t);
  const app = await buildApp({ db, bcryptCost: 4 });
  /**
   * Every request that reached the service, with the headers that say where it came from.
   * Read off the HTTP server itself, so requests the service's own hooks refuse are seen too.
   */
  const seen: Seen[] = [];
  app.server.on('request', (request: IncomingMessage) => {
    seen.push({ method: request.method ?? '', url: request.url ?? '', site: header(request.headers['sec-fetch-site']), origin: header(request.headers.origin) });
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/try') && !reply.hasHeader('content-security-policy')) reply.header('content-security-policy', csp);
    return payload;
  });
  t.teardown(() => app.close());
  const service = await app.listen({ host: '127.0.0.1', port: 0 });

  // timeout 0: no deadline of Playwright's own (30 s by default) on a start or a step; a busy machine is only slower, tap's timeout bounds a hang
  const browser = await chromium.launch({ executablePath, headless: true, args: chromiumArgs, timeout: 0 });
  t.teardown(() => browser.close());

  t.test('a newcomer walks the whole flow by clicking, and reads every request and answer', async (t) => {
    const { context, page, requested } = await open(browser, t);
    const shot = screenshots(page, 'flow');
    const email = 'ada@example.com';
    const cookiesSeen: string[] = [];
    const scriptCookies = async () => {
      const value = await page.evaluate<string>('document.cookie');
      cookiesSeen.push(value);
      return value;
    };

    const served = await page.goto(`${service}/try`);
    t.ok(served?.headers()['content-security-policy'], 'the page is served with a Content-Security-Policy');
    t.equal(await page.locator('#profile').innerText(), 'course', 'the page says the profile');

    // Every field and button in reach of the Tab key, the skip link first.
    const reached: string[] = [];
    for (let i = 0; i < 23; i += 1) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate<string>('document.activeElement.id || document.activeElement.textContent.trim()'));
    }
    t.equal(reached[0], 'Skip to the transcript', 'the first Tab reaches the skip link');
    // The controls on show: the production-only confirmation form (task 33) is hidden in the course profile.
    const controls = await page.evaluate<string[]>("[...document.querySelectorAll('input, button')].filter((e) => e.checkVisibility()).map((e) => e.id || e.textContent.trim())");
    t.equal(controls.length, 20);
    for (const control of controls) t.ok(reached.includes(control), `${control} is reached with Tab`);
    t.ok(reached.includes('log'), 'so is the transcript, which scrolls');
    t.ok(await page.getByText('answers with the token, as the original course does').isVisible(), 'and what the course profile means');
    t.notOk(await page.getByText('the token goes to the').isVisible(), 'the production paragraph is hidden');
    t.notOk(await page.getByText('A new password needs 15 characters').isVisible(), 'and so is the production password rule');
    await shot('page');

    const signUp = page.getByRole('form', { name: /Sign up/ });
    await signUp.getByLabel('Email').fill(email);
    await signUp.getByLabel('Password').fill('first-secret');
    await signUp.getByRole('button', { name: 'Sign up' }).click();
    let entry = await exchange(page, 1);
    t.equal(entry.status, '200', 'sign-up');
    t.match(entry.text, '1. POST /users → 200 OK');
    t.match(entry.text, 'email=ada%40example.com&password=********', 'the request body as sent, the password masked');
    t.notMatch(entry.text, 'first-secret', 'the password never appears on the page');
    t.match(entry.text, /"message": "user created"/);
    t.match(entry.text, 'Set-Cookie: withheld by the browser');
    await shot('signed-up');

    const logIn = page.getByRole('form', { name: /Log in/ });
    t.equal(await logIn.getByLabel('Email').inputValue(), email, 'the email is carried over to the other forms');
    await logIn.getByLabel('Password').fill('wrong-secret');
    await logIn.getByRole('button', { name: 'Log in' }).click();
    entry = await exchange(page, 2);
    t.equal(entry.status, '401', 'a wrong password');
    await logIn.getByLabel('Password').fill('first-secret');
    await logIn.getByRole('button', { name: 'Log in' }).click();
    entry = await exchange(page, 3);
    t.equal(entry.status, '200', 'log-in');
    t.match(entry.text, /"message": "logged in"/);
    t.match(entry.text, 'HttpOnly: document.cookie does not show it');
    const jar = await context.cookies(service);
    t.match(jar.find((c) => c.name === 'session_id'), { httpOnly: true, sameSite: 'Lax', path: '/' }, 'the browser holds the session cookie');
    const visible = await scriptCookies();
    t.match(visible, 'try_page=visible-to-scripts', 'the script reads the cookie that is not HttpOnly');
    t.notMatch(visible, 'session_id', 'but not the session cookie');
    t.notMatch(await page.locator('#cookies').innerText(), 'session_id', 'and the page shows what the script sees');
    await shot('logged-in');
    // A tall window as a person sees it (docs/images/try-page.png is a copy of this one).
    await page.setViewportSize({ width: 1280, height: 1500 });
    // From the top of the page, whichever control the Tab walk above left the window scrolled to.
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: `${artifacts}flow-window.png` });
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.getByRole('button', { name: 'Show my profile' }).click();
    entry = await exchange(page, 4);
    t.equal(entry.status, '200', 'profile with the session');
    t.match(entry.text, `"email": "${email}"`);
    await scriptCookies();
    await shot('profile');

    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    entry = await exchange(page, 5);
    t.equal(entry.status, 'redirect', 'log-out answers with a redirect');
    t.match(entry.text, 'status and Location withheld from the script');
    t.notOk((await context.cookies(service)).some((c) => c.name === 'session_id'), 'the answer cleared the cookie');
    await page.getByRole('button', { name: 'Show my profile' }).click();
    entry = await exchange(page, 6);
    t.equal(entry.status, '403', 'after log-out the profile is refused');
    t.match(entry.text, '6. GET /profile → 403 Forbidden');
    t.match(await page.locator('#last').innerText(), 'GET /profile answered: 403 Forbidden', 'the status line says it too');
    await scriptCookies();
    await shot('logged-out');

    const askForToken = page.getByRole('form', { name: /Forgot the password/ });
    t.equal(await askForToken.getByLabel('Email').inputValue(), email);
    await askForToken.getByRole('button', { name: 'Ask for a reset token' }).click();
    entry = await exchange(page, 7);
    t.equal(entry.status, '200', 'reset token asked for');
    const token = /"reset_token": "([^"]+)"/.exec(entry.text)?.[1];
    t.ok(token, 'the answer carries the token (course profile)');
    const reset = page.getByRole('form', { name: /Set a new password/ });
    t.equal(await reset.getByLabel('Reset token').inputValue(), token, 'the page filled the token in from the answer');
    t.match(await reset.locator('#reset-token-note').innerText(), 'The answer carried the token (course profile)');
    await shot('token');

    await reset.getByLabel('New password').fill('second-secret');
    await reset.getByRole('button', { name: 'Set the new password' }).click();
    entry = await exchange(page, 8);
    t.equal(entry.status, '200', 'password updated');
    t.match(entry.text, 'new_password=********');
    t.notMatch(entry.text, 'second-secret');
    t.match(entry.text, /"message": "Password updated"/);
    await shot('password-reset');

    await logIn.getByLabel('Password').fill('first-secret');
    await logIn.getByRole('button', { name: 'Log in' }).click();
    t.equal((await exchange(page, 9)).status, '401', 'the old password no longer works');
    // The last step by keyboard only: type into the field, Enter submits the form.
    await logIn.getByLabel('Password').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('second-secret');
    await page.keyboard.press('Enter');
    t.equal((await exchange(page, 10)).status, '200', 'log-in with the new password, from the keyboard');
    await page.getByRole('button', { name: 'Show my profile' }).click();
    t.equal((await exchange(page, 11)).status, '200');
    await scriptCookies();
    await shot('logged-in-again');

    t.equal(await page.locator('#log > li').count(), 11, 'one transcript entry per request, in order');
    t.notOk(cookiesSeen.some((value) => value.includes('session_id')), 'document.cookie never showed session_id');
    // The host, not the origin: under upgrade-insecure-requests the browser rewrites the log-out redirect's target to https.
    t.same([...new Set(requested.map((url) => new URL(url).host))], [new URL(service).host], 'the page sent nothing anywhere but the service');
    t.same(await page.evaluate('window.cspViolations'), [], 'no Content-Security-Policy violation');

    // 200 % zoom of a 1280 px window is a 640 px wide viewport: everything must fit without sideways scrolling.
    await page.setViewportSize({ width: 640, height: 900 });
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    t.equal(overflow, 0, 'no horizontal scrolling at 200 % zoom');
    await shot('zoom-200');
  });

  t.test('two browsers of one user: each lists both sessions, and one ends the other\'s', async (t) => {
    const email = 'grace@example.com';
    t.equal((await app.inject({ method: 'POST', url: '/users', payload: { email, password: 'two-browsers' } })).statusCode, 200, 'sign-up');
    const laptop = await open(browser, t);
    const phone = await open(browser, t);
    const shot = screenshots(laptop.page, 'sessions');
    for (const { page } of [laptop, phone]) {
      await page.goto(`${service}/try`);
      const logIn = page.getByRole('form', { name: /Log in/ });
      await logIn.getByLabel('Email').fill(email);
      await logIn.getByLabel('Password').fill('two-browsers');
      await logIn.getByRole('button', { name: 'Log in' }).click();
      t.equal((await exchange(page, 1)).status, '200', 'log-in');
    }

    const { page } = laptop;
    await page.getByRole('button', { name: 'List my sessions' }).click();
    const listed = await exchange(page, 2);
    t.equal(listed.status, '200', 'GET /sessions');
    const sessions = page.locator('#sessions > li');
    await sessions.nth(1).waitFor();
    t.equal(await sessions.count(), 2, 'both sessions are listed');
    t.equal(await page.locator('#sessions > li[data-current="true"]').count(), 1, 'one is marked as this browser\'s');
    t.match(await page.locator('#sessions > li[data-current="true"]').innerText(), '(this browser)');
    await shot('listed');

    const other = page.locator('#sessions > li:not([data-current])');
    await other.getByRole('button', { name: /^End/ }).click();
    const ended = await exchange(page, 3);
    t.equal(ended.status, '204', 'DELETE /sessions/:id');
    t.match(ended.text, /DELETE \/sessions\/[0-9a-f-]{36}/, 'the transcript names the session by its public id');
    t.equal((await exchange(page, 4)).status, '200', 'the list is asked for again');
    await page.locator('#sessions > li').nth(0).waitFor();
    t.equal(await page.locator('#sessions > li').count(), 1, 'one session is left: this browser\'s');
    await shot('ended');

    await phone.page.getByRole('button', { name: 'Show my profile' }).click();
    t.equal((await exchange(phone.page, 2)).status, '403', 'the other browser is logged out');
    await page.getByRole('button', { name: 'Show my profile' }).click();
    t.equal((await exchange(page, 5)).status, '200', 'this one is not');
    t.same(await page.evaluate('window.cspViolations'), [], 'no Content-Security-Policy violation');
  });

  t.test('changing the password keeps this browser logged in, with a new session cookie', async (t) => {
    const { context, page } = await open(browser, t);
    const shot = screenshots(page, 'change');
    const email = 'hedy@example.com';
    t.equal((await app.inject({ method: 'POST', url: '/users', payload: { email, password: 'old-secret' } })).statusCode, 200, 'sign-up');
    await page.goto(`${service}/try`);
    const logIn = page.getByRole('form', { name: /Log in/ });
    await logIn.getByLabel('Email').fill(email);
    await logIn.getByLabel('Password').fill('old-secret');
    await logIn.getByRole('button', { name: 'Log in' }).click();
    t.equal((await exchange(page, 1)).status, '200', 'log-in');
    const sessionCookie = async () => (await context.cookies(service)).find((c) => c.name === 'session_id')?.value;
    const before = await sessionCookie();

    const change = page.getByRole('form', { name: /Change the password/ });
    await change.getByLabel('Current password').fill('wrong-guess');
    await change.getByLabel('New password').fill('new-secret');
    await change.getByRole('button', { name: 'Change the password' }).click();
    t.equal((await exchange(page, 2)).status, '401', 'a wrong current password is a 401');
    await change.getByLabel('Current password').fill('old-secret');
    await change.getByRole('button', { name: 'Change the password' }).click();
    const entry = await exchange(page, 3);
    t.equal(entry.status, '200', 'the right one changes the password');
    t.match(entry.text, 'current_password=********&new_password=********', 'both passwords are masked');
    t.notMatch(entry.text, /old-secret|new-secret|wrong-guess/, 'no password appears on the page');
    t.match(entry.text, 'this browser stays logged in');
    const after = await sessionCookie();
    t.ok(after !== undefined && after !== before, 'the browser holds a new session cookie');
    await page.getByRole('button', { name: 'Show my profile' }).click();
    t.equal((await exchange(page, 4)).status, '200', 'and is still logged in');
    await shot('changed');
    const old = await app.inject({ method: 'GET', url: '/profile', cookies: { session_id: before ?? '' } });
    t.equal(old.statusCode, 403, 'the old cookie opens nothing');
  });

  t.test('the page in the production profile says the token went by mail, and a reset link fills the form in', async (t) => {
    // The production answer, the same for every email and without a token (no mail server here: the service logs that).
    const production = await buildApp({ db, bcryptCost: 4, profile: 'production' });
    t.teardown(() => production.close());
    const url = await production.listen({ host: '127.0.0.1', port: 0 });
    const { page } = await open(browser, t);
    await page.goto(`${url}/try`);
    t.equal(await page.locator('#profile').innerText(), 'production');
    t.ok(await page.getByText('the token goes to the').isVisible(), 'the production paragraph is shown');
    t.ok(await page.getByText('A new password needs 15 characters').isVisible(), 'the change form says the production password rule');
    t.notOk(await page.getByText('answers with the token, as the original course does').isVisible(), 'the course one is hidden');
    const askForToken = page.getByRole('form', { name: /Forgot the password/ });
    await askForToken.getByLabel('Email').fill('grace@example.com');
    await askForToken.getByRole('button', { name: 'Ask for a reset token' }).click();
    t.equal((await exchange(page, 1)).status, '200');
    t.equal(await page.getByLabel('Reset token').inputValue(), '', 'no token to fill in');
    t.match(await page.locator('#reset-token-note').innerText(), 'the service mailed it');
    await screenshots(page, 'production')('token-by-mail');

    // The link a reset mail holds, opened in a new tab: the fragment fills the form, then leaves the address bar.
    const token = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';
    const { page: fromMail } = await open(browser, t);
    await fromMail.goto(`${url}/try#email=Grace.Hopper%40example.com&reset_token=${token}`);
    const reset = fromMail.getByRole('form', { name: /Set a new password/ });
    t.equal(await reset.getByLabel('Reset token').inputValue(), token, 'the token is filled in from the link');
    t.equal(await reset.getByLabel('Email').inputValue(), 'Grace.Hopper@example.com', 'and the email');
    t.match(await fromMail.locator('#reset-token-note').innerText(), 'Filled in from the link in the reset mail');
    t.equal(new URL(fromMail.url()).hash, '', 'the token is gone from the address bar');
    await screenshots(fromMail, 'production')('reset-link');

    // The link a sign-up mail holds (task 33): the confirmation form, shown in this profile only, is filled in the same way.
    const { page: fromSignUp } = await open(browser, t);
    await fromSignUp.goto(`${url}/try#confirmation_token=${token}`);
    const confirm = fromSignUp.getByRole('form', { name: /Confirm the email/ });
    t.ok(await confirm.isVisible(), 'the confirmation form is shown in production');
    t.equal(await confirm.getByLabel('Confirmation token').inputValue(), token, 'the token is filled in from the link');
    t.match(await fromSignUp.locator('#confirm-token-note').innerText(), 'Filled in from the link in the sign-up mail');
    t.equal(new URL(fromSignUp.url()).hash, '', 'the token is gone from the address bar');
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    t.equal((await exchange(fromSignUp, 1)).status, '403', 'a token no sign-up issued: 403');
  });

  t.test('another site cannot log the victim in, ask for a token, log out or set a password', async (t) => {
    const attacker = await attackerSite(service);
    t.teardown(attacker.close);
    const victim = { email: 'victim@example.com', password: 'victim-secret' };
    const mallory = { email: 'mallory@example.com', password: 'mallory-secret' };
    for (const account of [victim, mallory]) {
      t.equal((await app.inject({ method: 'POST', url: '/users', payload: account })).statusCode, 200, `sign-up of ${account.email}`);
    }
    const { context, page } = await open(browser, t);
    const shot = screenshots(page, 'cross-site');
    const fromAttacker = () => seen.filter((s) => s.origin === attacker.origin);

    // Login CSRF: the attacker's page posts the attacker's credentials; the victim would then work in the attacker's account.
    let answer = page.waitForResponse((r) => r.url() === `${service}/sessions`);
    await page.goto(`${attacker.origin}/login`);
    const status = (await answer).status();
    t.match(fromAttacker().at(-1), { method: 'POST', url: '/sessions', site: 'cross-site' }, 'the browser marked the form post as cross-site');
    t.equal(status, 403, 'the cross-site login form post is refused with 403');
    await shot('login-csrf');
    t.notOk((await context.cookies(service)).some((c) => c.name === 'session_id'), 'the victim\'s browser got no session cookie');
    t.equal((await db.findUserBy({ email: mallory.email })).sessionId, null, 'the attacker\'s account got no session');
    await page.goto(`${service}/try`);
    await page.getByRole('button', { name: 'Show my profile' }).click();
    const profile = await exchange(page, 1);
    t.equal(profile.status, '403', 'the victim is not logged into the attacker\'s account');
    t.notMatch(profile.text, mallory.email, 'the profile is not the attacker\'s');

    // The victim logs into their own account.
    const logIn = page.getByRole('form', { name: /Log in/ });
    await logIn.getByLabel('Email').fill(victim.email);
    await logIn.getByLabel('Password').fill(victim.password);
    await logIn.getByRole('button', { name: 'Log in' }).click();
    t.equal((await exchange(page, 2)).status, '200', 'the victim logs in');

    // A reset request posted from the other site for the victim's email.
    answer = page.waitForResponse((r) => r.url() === `${service}/reset_password`);
    await page.goto(`${attacker.origin}/reset`);
    const resetStatus = (await answer).status();
    t.match(fromAttacker().at(-1), { method: 'POST', url: '/reset_password', site: 'cross-site' }, 'the browser marked the form post as cross-site');
    t.equal(resetStatus, 403, 'the cross-site reset form post is refused with 403');
    t.equal((await db.findUserBy({ email: victim.email })).resetToken, null, 'no reset token was issued');
    await shot('reset-csrf');

    // Script requests with the victim's cookies: DELETE /sessions, and PUT /reset_password with a real token.
    const issued = await app.inject({ method: 'POST', url: '/reset_password', payload: { email: victim.email } });
    const token = issued.json<{ reset_token: string }>().reset_token;
    const before = fromAttacker().length;
    await page.goto(`${attacker.origin}/scripts?token=${encodeURIComponent(token)}&email=${encodeURIComponent(victim.email)}`);
    await page.waitForFunction('window.results !== undefined');
    const results = await page.evaluate<Record<string, string>>('window.results');
    t.same(results, { 'DELETE /sessions': 'refused: TypeError', 'PUT /reset_password': 'refused: TypeError' }, 'the browser refused both: the service grants no CORS');
    const reached = fromAttacker().slice(before);
    t.same(reached.filter((s) => s.method !== 'OPTIONS'), [], 'neither request reached the service (only preflights did, if any)');
    await shot('scripts');

    await page.goto(`${service}/try`);
    await page.getByRole('button', { name: 'Show my profile' }).click();
    const still = await exchange(page, 1);
    t.equal(still.status, '200', 'the victim is still logged in');
    t.match(still.text, victim.email);
    const login = (password: string) => app.inject({ method: 'POST', url: '/sessions', payload: { email: victim.email, password } });
    t.equal((await login(victim.password)).statusCode, 200, 'the victim\'s password is unchanged');
    t.equal((await login('attacker-chosen')).statusCode, 401, 'the attacker\'s password was not set');
    await shot('after');
  });
}

/** A fresh browser window (its own cookie jar) that records where the page sends requests and any CSP violation. */
async function open(browser: Browser, t: { teardown(fn: () => unknown): void }): Promise<{ context: BrowserContext; page: Page; requested: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(0);
  t.teardown(() => context.close());
  await context.addInitScript(
    "window.cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));",
  );
  const page = await context.newPage();
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  return { context, page, requested };
}

/** The n-th transcript entry once it is there: its status (a number, `redirect` or `error`) and its text. */
async function exchange(page: Page, n: number): Promise<{ status: string | null; text: string }> {
  const item = page.locator('#log > li').nth(n - 1);
  await item.waitFor();
  return { status: await item.getAttribute('data-status'), text: await item.innerText() };
}

/** Saves numbered full-page screenshots of one test's steps. */
function screenshots(page: Page, prefix: string): (step: string) => Promise<void> {
  let n = 0;
  return async (step) => {
    n += 1;
    await page.screenshot({ path: `${artifacts}${prefix}-${String(n).padStart(2, '0')}-${step}.png`, fullPage: true });
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The attacker's site: http://localhost:<port>. The service is on 127.0.0.1, another
 * host name and so another site (another port of the same host would be the same site).
 */
async function attackerSite(service: string): Promise<{ origin: string; close: () => Promise<void> }> {
  const autoSubmit = (path: string, fields: Record<string, string>) => `<!doctype html><title>You won a prize</title>
<form method="POST" action="${service}${path}">${Object.entries(fields).map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`).join('')}</form>
<script>document.forms[0].submit()</script>`;
  const pages: Record<string, (query: URLSearchParams) => string> = {
    '/login': () => autoSubmit('/sessions', { email: 'mallory@example.com', password: 'mallory-secret' }),
    '/reset': () => autoSubmit('/reset_password', { email: 'victim@example.com' }),
    '/scripts': (query) => `<!doctype html><title>Cute cats</title><script type="module">
const attempt = async (method, body) => {
  try {
    const response = await fetch('${service}' + (method === 'DELETE' ? '/sessions' : '/reset_password'),
      { method, credentials: 'include', headers: { 'content-type': 'application/json' }, body });
    return 'answered ' + response.status;
  } catch (error) {
    return 'refused: ' + error.name;
  }
};
const results = {};
results['DELETE /sessions'] = await attempt('DELETE');
results['PUT /reset_password'] = await attempt('PUT', JSON.stringify(${JSON.stringify({ email: query.get('email'), reset_token: query.get('token'), new_password: 'attacker-chosen' })}));
window.results = results;
</script>`,
  };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const page = pages[url.pathname];
    response.writeHead(page === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(page === undefined ? 'not here' : page(url.searchParams));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    origin: `http://localhost:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
