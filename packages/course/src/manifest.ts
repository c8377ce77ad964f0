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
    minutes: 15,
    objectives: [
      'Hash a password with bcrypt and a per-password salt',
      'Refuse a password bcrypt would silently cut: more than 72 bytes in UTF-8',
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
    minutes: 15,
    objectives: [
      'Check a password against a stored bcrypt hash',
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
