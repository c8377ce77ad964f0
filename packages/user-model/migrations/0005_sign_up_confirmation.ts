import type { Knex } from 'knex';

/**
 * Sign-ups confirmed by mail (production profile, task 33): an account made by
 * such a sign-up holds the SHA-256 digest of its confirmation token and when
 * it was issued until it is confirmed. A row without a token is confirmed, so
 * every account made before this migration stays as it is.
 *
 * 0004 is the sessions table's (task 32): the two touch different columns, so
 * either may run first.
 */
export const name = '0005_sign_up_confirmation';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.string('confirmation_token', 250).nullable();
    table.timestamp('confirmation_created_at', { useTz: true }).nullable();
    // A token is looked up by its digest; unconfirmed accounts past their lifetime are found by age.
    table.unique(['confirmation_token'], { indexName: 'users_confirmation_token_key' });
    table.index(['confirmation_created_at'], 'users_confirmation_created_at_idx');
  });
}

/** Drops the two columns; accounts still waiting for confirmation become ordinary accounts that can log in. */
export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.dropIndex(['confirmation_created_at'], 'users_confirmation_created_at_idx');
    table.dropUnique(['confirmation_token'], 'users_confirmation_token_key');
    table.dropColumns('confirmation_token', 'confirmation_created_at');
  });
}
