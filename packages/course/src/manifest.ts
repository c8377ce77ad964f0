/**
 * The course, in order. Every tool (grader, learner workspace, staging check,
 * docs index) reads this list; nothing else repeats it.
 */
export type PackageName = 'user-model' | 'db' | 'auth' | 'app';

export interface Task {
  /** 0, 1, 2 … in the order a learner takes them. */
  id: number;
  /** Short kebab-case name, used in file names. */
  slug: string;
  title: string;
  package: PackageName;
  /** What the Python original called the thing this task builds. */
  original: string;
  /** About how long a learner takes, in minutes: shown by the tools and on the page. */
  minutes: number;
  /** What the learner can do after the task, one short sentence each. */
  objectives: readonly string[];
  /** The task's weight in the grader's points total. */
  points: number;
}

export const tasks: readonly Task[] = [
  {
    id: 0, slug: 'user-model', title: 'The User model and the users migration', package: 'user-model', original: '`User` in user.py',
    minutes: 20,
    objectives: [
      'Declare an Objection model for an existing table',
      'Map camelCase properties to snake_case columns',
      'Write a knex migration that creates a table with constraints',
    ],
    points: 2,
  },
  {
    id: 1, slug: 'add-user', title: 'DB.open and addUser', package: 'db', original: '`DB._session`, `DB.add_user` in db.py',
    minutes: 20,
    objectives: [
      'Insert a row with an Objection query on the database\'s one knex handle',
      'Return the saved row as a model, with the id the database gave it',
    ],
    points: 2,
  },
  {
    id: 2, slug: 'find-user-by', title: 'findUserBy and its two errors', package: 'db', original: '`DB.find_user_by` in db.py',
    minutes: 25,
    objectives: [
      'Build a query from arbitrary criteria',
      'Refuse criteria that are not model properties with a typed error',
      'Tell \'nothing found\' apart from \'bad question\'',
    ],
    points: 3,
  },
  {
    id: 3, slug: 'update-user', title: 'updateUser', package: 'db', original: '`DB.update_user` in db.py',
    minutes: 20,
    objectives: [
      'Update one row by id with a patch',
      'Validate every change before writing anything',
      'Tell an unknown id apart from a bad change',
    ],
    points: 2,
  },
  {
    id: 4, slug: 'hash-password', title: 'hashPassword', package: 'auth', original: '`_hash_password` in auth.py',
    minutes: 20,
    objectives: [
      'Hash a password with bcrypt and a per-password salt',
      'Refuse a password bcrypt would silently cut: more than 72 bytes in UTF-8',
      'Refuse control characters, and hash one Unicode form (NFC) of a password',
      'Hash without blocking the event loop',
    ],
    points: 2,
  },
  {
    id: 5, slug: 'register-user', title: 'Auth.registerUser', package: 'auth', original: '`Auth.register_user` in auth.py',
    minutes: 20,
    objectives: [
      'Register a user with a hashed password, never the password itself',
      'Turn a duplicate email, in any letter case, into a typed error',
    ],
    points: 2,
  },
  {
    id: 6, slug: 'app', title: 'The Fastify app and GET /', package: 'app', original: 'the `index` view in app.py',
    minutes: 20,
    objectives: [
      'Build a Fastify app from plugins',
      'Declare a route and answer JSON',
      'Test an app with inject() without a port',
    ],
    points: 2,
  },
  {
    id: 7, slug: 'post-users', title: 'POST /users: sign up', package: 'app', original: '`users()` in app.py',
    minutes: 25,
    objectives: [
      'Declare a POST route with a body schema',
      'Read form-encoded or JSON bodies',
      'Map a library error to a 400',
    ],
    points: 3,
  },
  {
    id: 8, slug: 'valid-login', title: 'Auth.validLogin', package: 'auth', original: '`Auth.valid_login` in auth.py',
    minutes: 20,
    objectives: [
      'Check a password against a stored bcrypt hash',
      'Compare the NFC form of a password, and the typed form for older hashes',
      'Answer false, not an error, for an unknown email',
      'Find an email whatever its letter case',
    ],
    points: 2,
  },
  {
    id: 9, slug: 'generate-uuid', title: 'generateUuid', package: 'auth', original: '`_generate_uuid` in auth.py',
    minutes: 5,
    objectives: [
      'Generate a random UUID v4 with node:crypto',
      'Tell a cryptographically secure random source from Math.random',
    ],
    points: 1,
  },
  {
    id: 10, slug: 'create-session', title: 'Auth.createSession', package: 'auth', original: '`Auth.create_session` in auth.py',
    minutes: 15,
    objectives: [
      'Create a session by storing a fresh id on the user',
    ],
    points: 2,
  },
  {
    id: 11, slug: 'post-sessions', title: 'POST /sessions: log in', package: 'app', original: '`login()` in app.py',
    minutes: 25,
    objectives: [
      'Set an HttpOnly session cookie',
      'Answer 401 for wrong credentials',
    ],
    points: 3,
  },
  {
    id: 12, slug: 'get-user-from-session-id', title: 'Auth.getUserFromSessionId', package: 'auth', original: '`Auth.get_user_from_session_id` in auth.py',
    minutes: 10,
    objectives: [
      'Find a user by session id',
      'Treat a missing id as no session',
    ],
    points: 2,
  },
  {
    id: 13, slug: 'destroy-session', title: 'Auth.destroySession', package: 'auth', original: '`Auth.destroy_session` in auth.py',
    minutes: 10,
    objectives: [
      'End a session by clearing the stored id',
    ],
    points: 1,
  },
  {
    id: 14, slug: 'delete-sessions', title: 'DELETE /sessions: log out', package: 'app', original: '`logout()` in app.py',
    minutes: 20,
    objectives: [
      'Read a cookie',
      'Redirect with 302',
      'Answer 403 without a valid session',
    ],
    points: 3,
  },
  {
    id: 15, slug: 'profile', title: 'GET /profile', package: 'app', original: '`profile()` in app.py',
    minutes: 15,
    objectives: [
      'Protect a route with the session cookie',
    ],
    points: 2,
  },
  {
    id: 16, slug: 'get-reset-password-token', title: 'Auth.getResetPasswordToken', package: 'auth', original: '`Auth.get_reset_password_token` in auth.py',
    minutes: 15,
    objectives: [
      'Issue a reset token and store it on the user',
    ],
    points: 2,
  },
  {
    id: 17, slug: 'post-reset-password', title: 'POST /reset_password: ask for a reset token', package: 'app', original: '`get_reset_password_token()` in app.py',
    minutes: 15,
    objectives: [
      'Answer 403 for an unknown email',
      'Return the token as JSON',
    ],
    points: 2,
  },
  {
    id: 18, slug: 'update-password', title: 'Auth.updatePassword', package: 'auth', original: '`Auth.update_password` in auth.py',
    minutes: 20,
    objectives: [
      'Change a password with a reset token',
      'Make a token single-use',
    ],
    points: 3,
  },
  {
    id: 19, slug: 'put-reset-password', title: 'PUT /reset_password: set a new password', package: 'app', original: '`update_password()` in app.py',
    minutes: 25,
    objectives: [
      'Check that a token belongs to the email it is sent with',
      'Map errors to 400 and 403',
    ],
    points: 3,
  },
  {
    id: 20, slug: 'e2e', title: 'The end-to-end client', package: 'app', original: 'main.py',
    minutes: 30,
    objectives: [
      'Drive an HTTP API end to end with fetch',
      'Check status codes, bodies and cookies at every step',
    ],
    points: 4,
  },
  // The security track: each task hardens code an earlier task wrote.
  {
    id: 21, slug: 'one-account-per-email', title: 'One account per email, race-safe', package: 'auth', original: 'none: `Auth.register_user` looks the email up, then inserts',
    minutes: 50,
    objectives: [
      'Canonicalise an email: Unicode NFKC, trim, lower case',
      'Refuse invisible characters, white space and mail-header specials with a typed error',
      'Let a unique index decide between concurrent sign-ups',
      'Make duplicate sign-ups wait for the one in flight instead of hashing',
      'Map a unique violation to a domain error',
    ],
    points: 4,
  },
  {
    id: 22, slug: 'token-digests', title: 'Token digests at rest', package: 'auth', original: 'none: the original stores session ids and reset tokens as given',
    minutes: 25,
    objectives: [
      'Store only the SHA-256 digest of a session id or reset token',
      'Refuse a value that is not a well-formed token before any query',
    ],
    points: 3,
  },
  {
    id: 23, slug: 'session-expiry', title: 'Session and reset-token expiry', package: 'auth', original: 'none: the original\'s sessions and tokens never expire',
    minutes: 30,
    objectives: [
      'End a session after an idle limit and an absolute limit',
      'Give reset tokens a short lifetime',
      'Test time-dependent code with an injected clock',
    ],
    points: 3,
  },
  {
    id: 24, slug: 'reset-done-right', title: 'Password reset done right', package: 'auth', original: 'none: `Auth.update_password` reads the token, then clears it',
    minutes: 30,
    objectives: [
      'Spend a reset token with one conditional UPDATE … RETURNING',
      'End every session of a user whose password changes',
      'Prove single use with concurrent requests',
    ],
    points: 4,
  },
  {
    id: 25, slug: 'uniform-time-login', title: 'Uniform-time login', package: 'auth', original: 'none: `Auth.valid_login` returns at once for an unknown email',
    minutes: 30,
    objectives: [
      'Spend the same bcrypt work on an unknown email as on a known one',
      'Explain how response time can reveal which accounts exist',
      'Re-hash a password at the configured cost when its owner logs in',
    ],
    points: 2,
  },
  // Security track, HTTP side (tasks 26–29).
  {
    id: 26, slug: 'csrf-cookies', title: 'Refuse cross-site requests; the production session cookie', package: 'app', original: 'none: the original has no cross-site defence',
    minutes: 30,
    objectives: [
      'Explain how a cross-site request forgery rides on a cookie',
      'Refuse state-changing requests by Sec-Fetch-Site and Origin',
      'Keep clients that send neither header working',
      'Set a Secure, __Host- prefixed session cookie in production',
    ],
    points: 4,
  },
  {
    id: 27, slug: 'rate-limits', title: 'Rate limits on logins, resets and sign-ups', package: 'app', original: 'none: the original never limits attempts',
    minutes: 45,
    objectives: [
      'Limit failed logins per account and address, per account, and per address, so a stranger cannot lock the owner out',
      'Count an IPv6 client by its /64',
      'Count attempts before they run, so parallel guesses cannot slip through',
      'Answer 429 with Retry-After',
      'Keep every live count: share them through Redis, never evict them',
    ],
    points: 5,
  },
  {
    id: 28, slug: 'response-headers', title: 'Security headers, no-store, and /docs off in production', package: 'app', original: 'none: the original sends no security headers',
    minutes: 25,
    objectives: [
      'Keep answers that hold tokens out of caches with Cache-Control: no-store',
      'Send security headers with @fastify/helmet and a strict Content-Security-Policy',
      'Check that a page still works under that policy',
    ],
    points: 3,
  },
  {
    id: 29, slug: 'audit-log', title: 'An audit log without secrets', package: 'app', original: 'none: the original logs nothing',
    minutes: 25,
    objectives: [
      'Record security events as structured log lines',
      'Tie each event to a user id and a client address',
      'Keep passwords, tokens, digests and hashes out of the log',
    ],
    points: 3,
  },
  {
    id: 30, slug: 'password-policy', title: 'A password policy, and PUT /password to change a password', package: 'app', original: 'none: the original takes any password and can only reset one',
    minutes: 45,
    objectives: [
      'Apply NIST SP 800-63B\'s password rule: a minimum length, a blocklist, no composition rules',
      'Count a password\'s length in characters, not bytes or UTF-16 units',
      'Check a new password wherever one is set: sign-up, reset and change',
      'Change a password only with the current one, and end the other sessions',
      'Make a check and the write that depends on it one conditional `UPDATE`, so two changes at once cannot both win',
    ],
    points: 5,
  },
  // The production profile: what NODE_ENV=production changes beyond tasks 26–29.
  {
    id: 31, slug: 'reset-by-mail', title: 'Reset by mail: one answer for every email', package: 'app', original: 'none: `get_reset_password_token()` returns the token, and 403 for an unknown email',
    minutes: 50,
    objectives: [
      'Answer a reset request the same way whether or not an account uses the email',
      'Deliver a reset token out of band, by mail, to the address the account was registered with',
      'Send the mail without making the client wait for the mail server',
      'Build links from the configured public origin, never from the Host header',
      'Log a failed delivery without the token it carried',
      'Tell the owner by mail when the password changes, without a token',
    ],
    points: 5,
  },
  // A session per device: the security track's sessions table (issue 23).
  {
    id: 32, slug: 'sessions-per-device', title: 'A session per device: list your sessions and end one', package: 'app', original: 'none: `create_session()` overwrites the user\'s one `session_id`',
    minutes: 60,
    objectives: [
      'Keep one row per login in a table of its own, so a second login does not end the first',
      'Move live data into a new table in a migration, so nobody is logged out by the upgrade',
      'Let a user list and end their own sessions, and refuse another user\'s exactly like an unknown one',
      'Bound what a user can store: a cap on live sessions, expired rows deleted',
    ],
    points: 5,
  },
  // Sign-up that reveals nothing: production sign-ups confirmed by mail (issue 23).
  {
    id: 33, slug: 'sign-up-reveals-nothing', title: 'Sign-up that reveals nothing: one answer, and confirmation by mail', package: 'app', original: 'none: `register_user()` raises for a taken email, and the view answers 400',
    minutes: 50,
    objectives: [
      'Answer a sign-up the same way whether or not the email already has an account',
      'Make a taken email cost the same work as a new one before the answer',
      'Keep a new account from logging in until its owner confirms the email with a mailed, single-use token',
      'Refuse a login before confirmation exactly as a wrong password is refused',
      'Tell the owner of a taken address by mail that someone tried to sign up with it',
    ],
    points: 5,
  },
];

/** `07` for task 7: the form ids take in file names. */
export function taskNumber(task: Pick<Task, 'id'>): string {
  return String(task.id).padStart(2, '0');
}

/** The task's test file, relative to the repository root. */
export function testFile(task: Task): string {
  return `packages/${task.package}/test/task-${taskNumber(task)}-${task.slug}.test.ts`;
}

/** The task's page, relative to the repository root. */
export function docPage(task: Task): string {
  return `docs/tasks/${taskNumber(task)}-${task.slug}.md`;
}

/** The region marker id of a task's solution: `task-07`. */
export function regionId(task: Pick<Task, 'id'>): string {
  return `task-${taskNumber(task)}`;
}

export function findTask(id: number): Task | undefined {
  return tasks.find((task) => task.id === id);
}
