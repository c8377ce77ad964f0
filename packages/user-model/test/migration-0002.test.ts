import { createHash } from 'node:crypto';
import t from 'tap';
import { testKnex } from '@hallpass/db/testing';
import { userMigrations } from '@hallpass/user-model';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const securityTrack = userMigrations.find((migration) => migration.name === '0002_security_track')!;

t.test('0002 converts existing rows: canonical emails, token digests, start times; nothing is dropped', async (t) => {
  const knex = await testKnex(t);
  await securityTrack.down(knex);
  const rows = [
    { email: 'Bob@Example.com', hashed_password: 'h1', session_id: 'a5e3ac3c-7c47-4c8f-8e6e-3f3b2e0d1c11', reset_token: null },
    { email: 'bob@example.com ', hashed_password: 'h2', session_id: null, reset_token: '0d6a1d2e-5b8f-4c1e-9a3b-2f4e6d8c0a1b' },
    { email: 'Jose\u0301@example.com', hashed_password: 'h3', session_id: null, reset_token: null },
    { email: `${'\u0130'.repeat(130)}@x.io`, hashed_password: 'h4', session_id: null, reset_token: null },
  ];
  await knex('users').insert(rows);
  await securityTrack.up(knex);

  const after = (await knex('users').select('*').orderBy('id')) as Record<string, unknown>[];
  t.equal(after.length, 4, 'every row is still there');
  t.same(after.map((row) => row.email), rows.map((row) => row.email), 'emails are kept as given');
  t.same(after.map((row) => row.hashed_password), ['h1', 'h2', 'h3', 'h4'], 'password hashes are untouched');
  t.same(
    after.map((row) => row.canonical_email),
    ['bob@example.com', null, 'jos\u00e9@example.com', null],
    'canonical emails: the older of two accounts keeps the shared one; one too long once lower-cased gets none',
  );
  t.equal(after[0]!.session_id, sha256(rows[0]!.session_id!), 'a session id becomes its SHA-256 digest');
  t.equal(after[1]!.reset_token, sha256(rows[1]!.reset_token!), 'a reset token becomes its SHA-256 digest');
  t.ok(after[0]!.session_created_at instanceof Date && after[0]!.session_seen_at instanceof Date, 'a live session starts its lifetime now');
  t.ok(after[1]!.reset_created_at instanceof Date, 'a live reset token starts its lifetime now');
  t.equal(after[2]!.session_created_at, null, 'no session, no start time');

  await t.rejects(knex('users').insert({ email: 'BOB@example.com', canonical_email: 'bob@example.com', hashed_password: 'h' }), /users_canonical_email_key/);
  await t.rejects(knex('users').where('id', after[2]!.id as number).update({ session_id: after[0]!.session_id as string }), /users_session_id_key/);
  await t.rejects(knex('users').where('id', after[2]!.id as number).update({ reset_token: after[1]!.reset_token as string }), /users_reset_token_key/);
});

t.test('0002 can be undone: its columns go, the tokens it hashed are cleared, the rows stay', async (t) => {
  const knex = await testKnex(t);
  await knex('users').insert({ email: 'bob@example.com', hashed_password: 'h', session_id: sha256('x') });
  await securityTrack.down(knex);
  t.notOk(await knex.schema.hasColumn('users', 'canonical_email'));
  t.same(await knex('users').select('email', 'session_id'), [{ email: 'bob@example.com', session_id: null }]);
  await securityTrack.up(knex);
  t.ok(await knex.schema.hasColumn('users', 'session_seen_at'), 'and applied again');
});
