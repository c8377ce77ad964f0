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
}

export const tasks: readonly Task[] = [
  { id: 0, slug: 'user-model', title: 'The User model and the users migration', package: 'user-model', original: '`User` in user.py' },
  { id: 1, slug: 'add-user', title: 'DB.open and addUser', package: 'db', original: '`DB._session`, `DB.add_user` in db.py' },
  { id: 2, slug: 'find-user-by', title: 'findUserBy and its two errors', package: 'db', original: '`DB.find_user_by` in db.py' },
  { id: 3, slug: 'update-user', title: 'updateUser', package: 'db', original: '`DB.update_user` in db.py' },
  { id: 4, slug: 'hash-password', title: 'hashPassword', package: 'auth', original: '`_hash_password` in auth.py' },
  { id: 5, slug: 'register-user', title: 'Auth.registerUser', package: 'auth', original: '`Auth.register_user` in auth.py' },
  { id: 6, slug: 'app', title: 'The Fastify app and GET /', package: 'app', original: 'the `index` view in app.py' },
  { id: 7, slug: 'post-users', title: 'POST /users: sign up', package: 'app', original: '`users()` in app.py' },
  { id: 8, slug: 'valid-login', title: 'Auth.validLogin', package: 'auth', original: '`Auth.valid_login` in auth.py' },
  { id: 9, slug: 'generate-uuid', title: 'generateUuid', package: 'auth', original: '`_generate_uuid` in auth.py' },
  { id: 10, slug: 'create-session', title: 'Auth.createSession', package: 'auth', original: '`Auth.create_session` in auth.py' },
  { id: 11, slug: 'post-sessions', title: 'POST /sessions: log in', package: 'app', original: '`login()` in app.py' },
  { id: 12, slug: 'get-user-from-session-id', title: 'Auth.getUserFromSessionId', package: 'auth', original: '`Auth.get_user_from_session_id` in auth.py' },
  { id: 13, slug: 'destroy-session', title: 'Auth.destroySession', package: 'auth', original: '`Auth.destroy_session` in auth.py' },
  { id: 14, slug: 'delete-sessions', title: 'DELETE /sessions: log out', package: 'app', original: '`logout()` in app.py' },
  { id: 15, slug: 'profile', title: 'GET /profile', package: 'app', original: '`profile()` in app.py' },
  { id: 16, slug: 'get-reset-password-token', title: 'Auth.getResetPasswordToken', package: 'auth', original: '`Auth.get_reset_password_token` in auth.py' },
  { id: 17, slug: 'post-reset-password', title: 'POST /reset_password: ask for a reset token', package: 'app', original: '`get_reset_password_token()` in app.py' },
  { id: 18, slug: 'update-password', title: 'Auth.updatePassword', package: 'auth', original: '`Auth.update_password` in auth.py' },
  { id: 19, slug: 'put-reset-password', title: 'PUT /reset_password: set a new password', package: 'app', original: '`update_password()` in app.py' },
  { id: 20, slug: 'e2e', title: 'The end-to-end client', package: 'app', original: 'main.py' },
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
