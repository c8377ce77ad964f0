// The /try page: sends each form to the service with fetch and writes the
// request and the answer to the transcript, as the browser lets a script see them.
// Only relative URLs: nothing goes anywhere but the service that served the page.

const profile = document.documentElement.dataset.profile;

/** Fields whose values never appear in the transcript. */
const secretFields = new Set(['password', 'new_password', 'current_password']);
const MASK = '********';
const setCookieLine = 'Set-Cookie: withheld by the browser, whatever the answer holds: no script reads this header';

/** Answer headers worth showing, when the answer has them. Set-Cookie is never readable here. */
const shownHeaders = [
  'location',
  'retry-after',
  'content-type',
  'cache-control',
];

const log = document.getElementById('log');
const empty = document.getElementById('transcript-empty');
const cookies = document.getElementById('cookies');
const tokenNote = document.getElementById('reset-token-note');
const sessionsForm = document.getElementById('sessions-form');
const sessionsList = document.getElementById('sessions');
let count = 0;

// A cookie without HttpOnly, which the script can read: the session cookie, next to it, stays invisible.
document.cookie = 'try_page=visible-to-scripts; path=/try; SameSite=Strict';
showCookies();
fillFromMailLink();

for (const form of document.querySelectorAll('form[data-path]')) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void send(form);
  });
}

document.getElementById('clear').addEventListener('click', () => {
  log.replaceChildren();
  count = 0;
  empty.hidden = false;
});

/** Sends one form as the course's clients do (form-encoded), then records the exchange. */
function send(form) {
  const fields = [...new FormData(form)].map(([name, value]) => [name, String(value)]);
  return exchange(form, form.dataset.method, form.dataset.path, fields, form.querySelector('button'));
}

/** Sends one request with `fields` (form-encoded), records it, and lets `afterAnswer` act for `form`. */
async function exchange(form, method, path, fields, button) {
  const body = fields.length > 0 ? new URLSearchParams(fields) : undefined;
  const shownBody = body === undefined ? '' : new URLSearchParams(fields.map(([name, value]) => [name, secretFields.has(name) ? MASK : value])).toString();

  const request = [`${method} ${path}`];
  if (body !== undefined) request.push('Content-Type: application/x-www-form-urlencoded');
  request.push('Cookie: added by the browser when it holds one; the script cannot see it');
  if (body !== undefined) request.push('', shownBody);

  button.disabled = true;
  try {
    // A redirect is not followed: following the 302 of DELETE /sessions would send DELETE to /.
    const response = await fetch(path, { method, body, credentials: 'same-origin', redirect: 'manual' });
    const text = response.type === 'opaqueredirect' ? '' : await response.text();
    record(method, path, request, response, text);
    afterAnswer(form, fields, response, text);
  } catch (error) {
    record(method, path, request, undefined, String(error));
  } finally {
    button.disabled = false;
    showCookies();
  }
}

/** Appends one exchange to the transcript. */
function record(method, path, request, response, text) {
  count += 1;
  empty.hidden = true;
  const item = document.createElement('li');
  item.className = 'exchange';
  item.dataset.method = method;
  item.dataset.path = path;

  const lines = [];
  const notes = [];
  let outcome;
  if (response === undefined) {
    outcome = 'no answer';
    item.dataset.status = 'error';
    lines.push('(no answer)', '', text);
    notes.push('The request did not reach the service, or its answer did not come back.');
  } else if (response.type === 'opaqueredirect') {
    outcome = 'a redirect';
    item.dataset.status = 'redirect';
    lines.push('a redirect (3xx): status and Location withheld from the script', setCookieLine);
    notes.push(
      'The service answered with a redirect: per the contract, 302 with Location: /. The page asked fetch not to follow it, ' +
        'and then the browser shows the script neither the status nor the Location header, only that it was a redirect.',
    );
  } else {
    outcome = `${response.status} ${response.statusText}`.trim();
    item.dataset.status = String(response.status);
    lines.push(outcome);
    for (const name of shownHeaders) {
      const value = response.headers.get(name);
      if (value !== null) lines.push(`${headerCase(name)}: ${value}`);
    }
    lines.push(setCookieLine);
    if (response.redirected) lines.push(`(the browser followed a redirect to ${response.url})`);
    const retryAfter = response.headers.get('retry-after');
    if (retryAfter !== null) notes.push(`Too many attempts: Retry-After asks to wait ${retryAfter} seconds before the next one.`);
    lines.push('', pretty(text));
  }
  if (method === 'POST' && path === '/sessions' && response?.status === 200) {
    notes.push(
      'Logged in: the answer set the session_id cookie. The browser keeps it and sends it with the next requests, ' +
        'but it is HttpOnly: document.cookie does not show it.',
    );
  }
  if (method === 'PUT' && path === '/password' && response?.status === 200) {
    notes.push(
      'Password changed: the service ended every session of the account, this one too, and the answer set a new ' +
        'session_id cookie, so this browser stays logged in. Whoever holds an older cookie is logged out.',
    );
  }

  const heading = document.createElement('h3');
  heading.textContent = `${count}. ${method} ${path} → ${outcome}`;
  item.append(heading, block('Request as sent', request), block('Answer as received', lines));
  for (const note of notes) {
    const p = document.createElement('p');
    p.className = 'note';
    p.textContent = note;
    item.append(p);
  }
  log.append(item);
  // The newest entry to the top of the transcript's own scroll box (side by side); the window stays where it is.
  log.scrollTop += item.getBoundingClientRect().top - log.getBoundingClientRect().top;
  document.getElementById('last').textContent = `${method} ${path} answered: ${outcome}. It is number ${count} in the transcript.`;
}

/** What the page does with an answer besides recording it. */
function afterAnswer(form, fields, response, text) {
  const email = fields.find(([name]) => name === 'email')?.[1];
  if (email !== undefined && email !== '') {
    for (const input of document.querySelectorAll('input[name="email"]')) if (input.value === '') input.value = email;
  }
  if (form.id === 'sessions-form') showSessions(response.status === 200 ? parse(text) : []);
  if (form.id === 'logout-others' || (form.id === 'sessions-form' && response.status === 204)) void send(sessionsForm);
  if (form.id !== 'reset-request' || response.status !== 200) return;
  const token = parse(text)?.reset_token;
  if (typeof token === 'string') {
    document.getElementById('reset-token').value = token;
    document.getElementById('reset-email').value = email ?? '';
    tokenNote.textContent = `The answer carried the token (${profile} profile): it is filled in above.`;
  } else {
    tokenNote.textContent = 'The answer carries no token: the service mailed it to the account\'s address. Paste it here from that mail.';
  }
}

/**
 * A reset mail links here as /try#email=…&reset_token=…, a sign-up mail as
 * /try#confirmation_token=…: the fragment, which the browser never sends
 * anywhere. Fill the form from it, then take it out of the address bar and the
 * history, where the token has nothing more to do.
 */
function fillFromMailLink() {
  const fields = new URLSearchParams(location.hash.slice(1));
  const resetToken = fields.get('reset_token');
  const confirmationToken = fields.get('confirmation_token');
  if (resetToken !== null) {
    document.getElementById('reset-token').value = resetToken;
    document.getElementById('reset-email').value = fields.get('email') ?? '';
    tokenNote.textContent = 'Filled in from the link in the reset mail: choose a new password and send it.';
  } else if (confirmationToken !== null) {
    document.getElementById('confirm-token').value = confirmationToken;
    document.getElementById('confirm-token-note').textContent = 'Filled in from the link in the sign-up mail: send it to confirm the email.';
  } else return;
  history.replaceState(null, '', location.pathname + location.search);
}

/** The list of `GET /sessions`, each with a button that ends it; this browser's session is marked. */
function showSessions(list) {
  const items = (Array.isArray(list) ? list : []).map((session) => {
    const item = document.createElement('li');
    item.dataset.sessionId = session.id;
    if (session.current) item.dataset.current = 'true';
    const device = `${session.device.userAgent ?? 'an unknown browser'} from ${session.device.address ?? 'an unknown address'}`;
    item.textContent = `${device}, logged in ${new Date(session.createdAt).toLocaleString()}, last seen ${new Date(session.lastSeenAt).toLocaleString()} `;
    if (session.current) {
      const mark = document.createElement('strong');
      mark.textContent = '(this browser) ';
      item.append(mark);
    }
    const end = document.createElement('button');
    end.type = 'button';
    end.textContent = 'End';
    end.setAttribute('aria-label', session.current ? 'End this browser\'s session' : `End the session of ${device}`);
    // The same form's afterAnswer lists the sessions again once one has ended (204).
    end.addEventListener('click', () => void exchange(sessionsForm, 'DELETE', `/sessions/${session.id}`, [], end));
    item.append(end);
    return item;
  });
  sessionsList.replaceChildren(...items);
}

function showCookies() {
  cookies.textContent = document.cookie === '' ? '(empty)' : document.cookie;
}

function block(title, lines) {
  const figure = document.createElement('figure');
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  const pre = document.createElement('pre');
  pre.textContent = lines.join('\n');
  figure.append(caption, pre);
  return figure;
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function pretty(text) {
  const value = parse(text);
  return value === undefined ? text : JSON.stringify(value, null, 2);
}

function headerCase(name) {
  return name.replace(/(^|-)([a-z])/g, (_match, dash, letter) => dash + letter.toUpperCase());
}
