import t from 'tap';
import { testKnex } from '@hallpass/db/testing';
import { User, isUserProperty, userMigrations, userProperties } from '@hallpass/user-model';

t.test('the users table has the columns of the data model', async (t) => {
  const knex = await testKnex(t);
  const { rows } = (await knex.raw(
    `SELECT column_name, data_type, character_maximum_length, is_nullable, is_identity
       FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'users'
        -- the security track's migration (0002) adds these; task 0 writes the others
        AND column_name NOT IN ('canonical_email', 'session_created_at', 'session_seen_at', 'reset_created_at')
      ORDER BY ordinal_position`,
  )) as { rows: Record<string, unknown>[] };
  // Later tasks may add columns after these five (timestamps for expiry, …).
  t.same(rows.slice(0, 5), [
    { column_name: 'id', data_type: 'integer', character_maximum_length: null, is_nullable: 'NO', is_identity: 'YES' },
    { column_name: 'email', data_type: 'character varying', character_maximum_length: 250, is_nullable: 'NO', is_identity: 'NO' },
    { column_name: 'hashed_password', data_type: 'character varying', character_maximum_length: 250, is_nullable: 'NO', is_identity: 'NO' },
    { column_name: 'session_id', data_type: 'character varying', character_maximum_length: 250, is_nullable: 'YES', is_identity: 'NO' },
    { column_name: 'reset_token', data_type: 'character varying', character_maximum_length: 250, is_nullable: 'YES', is_identity: 'NO' },
  ], 'the columns of users: names, types, lengths, nullability and identity');
  const { rows: keys } = (await knex.raw(
    `SELECT a.attname AS column_name
       FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = 'users'::regclass AND i.indisprimary`,
  )) as { rows: { column_name: string }[] };
  t.same(keys, [{ column_name: 'id' }], 'id is the primary key');
});

t.test('User maps camelCase properties onto the snake_case columns of users', async (t) => {
  const knex = await testKnex(t);
  t.equal(User.tableName, 'users', 'the model\'s table is users');
  const saved = await User.query(knex).insert({ email: 'bob@example.com', hashedPassword: 'not-a-real-hash' }).returning('*');
  t.match(saved, { email: 'bob@example.com', hashedPassword: 'not-a-real-hash', sessionId: null, resetToken: null });
  t.type(saved.id, 'number');
  t.ok(saved instanceof User, 'queries give User instances');

  const [row] = (await knex('users').select('id', 'email', 'hashed_password', 'session_id', 'reset_token')) as Record<string, unknown>[];
  t.same(row, { id: saved.id, email: 'bob@example.com', hashed_password: 'not-a-real-hash', session_id: null, reset_token: null }, 'the row has the snake_case columns');

  await User.query(knex).patch({ sessionId: 'abc', resetToken: 'def' }).where('id', saved.id);
  const found = await User.query(knex).findById(saved.id);
  t.match(found, { sessionId: 'abc', resetToken: 'def' });
  t.same(Object.keys(found?.toJSON() ?? {}).sort(), [...userProperties].sort(), 'a User exposes exactly the model\'s properties');
});

t.test('ids are given by the database, one after another', async (t) => {
  const knex = await testKnex(t);
  const a = await User.query(knex).insert({ email: 'a@example.com', hashedPassword: 'h' }).returning('*');
  const b = await User.query(knex).insert({ email: 'b@example.com', hashedPassword: 'h' }).returning('*');
  t.ok(b.id > a.id, 'the second id is greater than the first');
});

t.test('email and hashed_password are required, and values over 250 characters are refused', async (t) => {
  const knex = await testKnex(t);
  await t.rejects(knex('users').insert({ hashed_password: 'h' }), /null value in column "email"/);
  await t.rejects(knex('users').insert({ email: 'x@example.com' }), /null value in column "hashed_password"/);
  await t.rejects(knex('users').insert({ email: `${'a'.repeat(250)}@x`, hashed_password: 'h' }), /too long/);
});

t.test('the migrations can be undone and applied again', async (t) => {
  const knex = await testKnex(t);
  for (const migration of [...userMigrations].reverse()) await migration.down(knex);
  t.notOk(await knex.schema.hasTable('users'), 'down drops the table');
  for (const migration of userMigrations) await migration.up(knex);
  t.ok(await knex.schema.hasColumn('users', 'hashed_password'), 'up creates it again');
  const { rows } = (await knex.raw(`SELECT indexdef FROM pg_indexes WHERE tablename = 'users' AND indexname = 'users_email_lower_idx'`)) as {
    rows: { indexdef: string }[];
  };
  t.match(rows[0]?.indexdef, /lower\(\(email\)::text\)/, 'emails are indexed for case-insensitive lookup');
});

t.test('isUserProperty tells model properties from other keys', async (t) => {
  t.ok(isUserProperty('hashedPassword'));
  t.notOk(isUserProperty('hashed_password'), 'column names are not properties');
  t.notOk(isUserProperty('toString'));
});
