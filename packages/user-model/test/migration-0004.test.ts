import t from 'tap';
import { testKnex } from '@hallpass/db/testing';
import { userMigrations } from '@hallpass/user-model';

const sessionsMigration = userMigrations.find((migration) => migration.name === '0004_sessions')!;

const digest = (n: number): string => String(n).repeat(64).slice(0, 64);
const at = (iso: string): Date => new Date(iso);

t.test('0004 moves every live session into `sessions` with its times, and empties the old columns', async (t) => {
  const knex = await testKnex(t);
  await sessionsMigration.down(knex);
  await knex('users').insert([
    { email: 'bob@example.com', canonical_email: 'bob@example.com', hashed_password: 'h1', session_id: digest(1), session_created_at: at('2026-03-02T08:00:00Z'), session_seen_at: at('2026-03-02T08:20:00Z') },
    { email: 'amy@example.com', canonical_email: 'amy@example.com', hashed_password: 'h2' },
    { email: 'dan@example.com', canonical_email: 'dan@example.com', hashed_password: 'h3', session_id: digest(3) },
  ]);
  await sessionsMigration.up(knex);

  const moved = await knex('sessions').select('id', 'user_id', 'token_digest', 'created_at', 'seen_at', 'user_agent', 'address');
  t.equal(moved.length, 1, 'one live session: a session without its times was never live (task 23 ends it)');
  t.match(moved[0], { user_id: 1, token_digest: digest(1), user_agent: null, address: null });
  t.same([moved[0].created_at, moved[0].seen_at], [at('2026-03-02T08:00:00Z'), at('2026-03-02T08:20:00Z')], 'with its own times');
  t.match(moved[0].id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'under a random public id');
  t.not(moved[0].id, digest(1));
  t.same(
    await knex('users').select('session_id', 'session_created_at', 'session_seen_at').orderBy('id'),
    Array.from({ length: 3 }, () => ({ session_id: null, session_created_at: null, session_seen_at: null })),
    'the old columns are empty',
  );
  t.same((await knex('users').select('hashed_password').orderBy('id')).map((row: { hashed_password: string }) => row.hashed_password), ['h1', 'h2', 'h3'], 'every user is still there');

  await t.rejects(
    knex('sessions').insert({ user_id: 2, token_digest: digest(1), created_at: new Date(), seen_at: new Date() }),
    /sessions_token_digest_key/,
    'a digest opens one session only',
  );
  await knex('users').where({ id: 1 }).delete();
  t.same(await knex('sessions').select('id'), [], 'deleting a user deletes their sessions');
});

t.test('0004 can be undone: each user gets their newest session back, and applied again', async (t) => {
  const knex = await testKnex(t);
  await knex('users').insert([
    { email: 'bob@example.com', canonical_email: 'bob@example.com', hashed_password: 'h1' },
    { email: 'amy@example.com', canonical_email: 'amy@example.com', hashed_password: 'h2' },
  ]);
  await knex('sessions').insert([
    { user_id: 1, token_digest: digest(1), created_at: at('2026-03-02T08:00:00Z'), seen_at: at('2026-03-02T08:00:00Z') },
    { user_id: 1, token_digest: digest(2), created_at: at('2026-03-02T09:00:00Z'), seen_at: at('2026-03-02T09:05:00Z'), user_agent: 'Firefox', address: '::1' },
  ]);
  await sessionsMigration.down(knex);
  t.notOk(await knex.schema.hasTable('sessions'), 'the table is gone');
  t.same(await knex('users').select('session_id', 'session_created_at', 'session_seen_at').orderBy('id'), [
    { session_id: digest(2), session_created_at: at('2026-03-02T09:00:00Z'), session_seen_at: at('2026-03-02T09:05:00Z') },
    { session_id: null, session_created_at: null, session_seen_at: null },
  ]);
  await sessionsMigration.up(knex);
  t.match(await knex('sessions').select('user_id', 'token_digest'), [{ user_id: 1, token_digest: digest(2) }], 'and back');
});
