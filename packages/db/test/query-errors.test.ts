/**
 * A query that fails carries its SQL in the error's message with `$1`
 * placeholders, never the values bound to it: knex's default
 * (`compileSqlOnError`) writes them in, and they are an email, a password hash
 * or a token digest, which would reach any log that prints the error.
 */
import t, { type Test } from 'tap';
import type { DB } from '@hallpass/db';
import { testDB } from '@hallpass/db/testing';

const email = 'query-error@example.com';
const hash = `$2b$04$${'q'.repeat(53)}`;
const digest = 'd'.repeat(64);

/** Every message along an error's chain: Objection keeps knex's error as `nativeError`, wrappers keep a `cause`. */
function messages(error: unknown): string {
  const found: string[] = [];
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    found.push(current.message);
    const inner = current as Error & { nativeError?: unknown };
    current = inner.nativeError ?? current.cause;
  }
  return found.join('\n');
}

/** The error `write` fails with once `table` refuses every new write (a check constraint that existing rows need not meet). */
async function refused(t: Test, db: DB, table: 'users' | 'sessions', check: string, write: () => Promise<unknown>): Promise<string> {
  await db.knex.raw(`ALTER TABLE ${table} ADD CONSTRAINT refuse_write CHECK (${check}) NOT VALID`);
  t.teardown(() => db.knex.raw(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS refuse_write`));
  const error = await write().then(
    () => undefined,
    (failure: unknown) => failure,
  );
  t.ok(error instanceof Error, 'the write fails');
  return messages(error);
}

t.test('a refused sign-up: the message has the INSERT with placeholders, not the email or the hash', async (t) => {
  const db = await testDB(t);
  const text = await refused(t, db, 'users', 'id < 0', () => db.addUser(email, hash));
  t.match(text, /insert into "users" .*\$1/, 'the statement, with its placeholders');
  t.match(text, /violates check constraint "refuse_write"/, "and the database's reason");
  t.notOk(text.includes(hash), 'no hash');
  t.notOk(text.includes(email), 'no email');
});

t.test('a refused reset-token write: the message has the UPDATE with placeholders, not the digest', async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser(email, hash);
  const text = await refused(t, db, 'users', 'reset_token IS NULL', () => db.updateUser(bob.id, { resetToken: digest, resetCreatedAt: new Date() }));
  t.match(text, /update "users" set .*\$1/, 'the statement, with its placeholders');
  t.notOk(text.includes(digest), 'no digest');
});

t.test('a refused session: the message has the INSERT with placeholders, not the digest', async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser(email, hash);
  const now = new Date();
  const text = await refused(t, db, 'sessions', 'id IS NULL', () => db.knex('sessions').insert({ user_id: bob.id, token_digest: digest, created_at: now, seen_at: now }));
  t.match(text, /insert into "sessions" .*\$1/, 'the statement, with its placeholders');
  t.notOk(text.includes(digest), 'no digest');
});
