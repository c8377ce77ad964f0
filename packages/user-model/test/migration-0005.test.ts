import t from 'tap';
import { testKnex } from '@hallpass/db/testing';
import { userMigrations } from '@hallpass/user-model';

const signUpConfirmation = userMigrations.find((migration) => migration.name === '0005_sign_up_confirmation')!;

t.test('0005: the accounts made before it count as confirmed; down drops its columns and up brings them back', async (t) => {
  const knex = await testKnex(t);
  await signUpConfirmation.down(knex);
  t.notOk(await knex.schema.hasColumn('users', 'confirmation_token'), 'down dropped confirmation_token');
  t.notOk(await knex.schema.hasColumn('users', 'confirmation_created_at'), 'and confirmation_created_at');
  await knex('users').insert({ email: 'old@example.com', canonical_email: 'old@example.com', hashed_password: 'h' });

  await signUpConfirmation.up(knex);
  t.same(
    await knex('users').select('email', 'confirmation_token', 'confirmation_created_at'),
    [{ email: 'old@example.com', confirmation_token: null, confirmation_created_at: null }],
    'an existing account has no confirmation token: it is confirmed',
  );
  const issued = new Date('2026-12-01T09:00:00Z');
  await knex('users').insert({ email: 'new@example.com', canonical_email: 'new@example.com', hashed_password: 'h', confirmation_token: 'd1', confirmation_created_at: issued });
  await t.rejects(
    knex('users').insert({ email: 'other@example.com', canonical_email: 'other@example.com', hashed_password: 'h', confirmation_token: 'd1' }),
    /users_confirmation_token_key/,
    'a digest belongs to one account',
  );
  t.same(
    ((await knex('users').where('email', 'new@example.com').select('confirmation_created_at')) as { confirmation_created_at: Date }[])[0]?.confirmation_created_at.getTime(),
    issued.getTime(),
    'the time of issue keeps its instant',
  );

  await signUpConfirmation.down(knex);
  t.same((await knex('users').select('email').orderBy('id')).map((row: { email: string }) => row.email), ['old@example.com', 'new@example.com'], 'down keeps every account');
  await signUpConfirmation.up(knex);
  t.ok(await knex.schema.hasColumn('users', 'confirmation_token'), 'up again: the columns are back');
});
