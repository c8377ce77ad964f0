import type { Knex } from 'knex';

/**
 * The security track's schema: a unique canonical email, token digests in
 * unique-indexed columns, and the timestamps that make sessions and reset
 * tokens expire. Existing rows are converted, never dropped.
 */
export const name = '0002_security_track';

/** The columns this migration adds, in the order it adds them. */
export const addedColumns = ['canonical_email', 'session_created_at', 'session_seen_at', 'reset_created_at'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.string('canonical_email', 250).nullable();
    table.timestamp('session_created_at', { useTz: true }).nullable();
    table.timestamp('session_seen_at', { useTz: true }).nullable();
    table.timestamp('reset_created_at', { useTz: true }).nullable();
  });

  // Emails: the canonical form of each stored address. Where two accounts share one,
  // the older keeps it and the newer is left without: login already reached only
  // the older one (look-ups took the lowest id), so nobody loses access.
  // The rule is written out here, not imported: a migration must not change when the code does.
  const users = (await knex('users').select('id', 'email').orderBy('id')) as { id: number; email: string }[];
  const taken = new Set<string>();
  for (const { id, email } of users) {
    const canonical = email.trim().normalize('NFC').toLowerCase();
    if (taken.has(canonical) || canonical.length > 250) continue;
    taken.add(canonical);
    await knex('users').where({ id }).update({ canonical_email: canonical });
  }

  // Tokens: stored until now as given to the client; from now on only their SHA-256
  // digest (hex) is kept, so the clients' tokens keep working and a copy of the
  // table yields none. Live sessions and reset tokens start their lifetimes now.
  await knex.raw(`UPDATE users SET session_id = encode(sha256(convert_to(session_id, 'UTF8')), 'hex'),
                                   session_created_at = now(), session_seen_at = now()
                   WHERE session_id IS NOT NULL`);
  await knex.raw(`UPDATE users SET reset_token = encode(sha256(convert_to(reset_token, 'UTF8')), 'hex'),
                                   reset_created_at = now()
                   WHERE reset_token IS NOT NULL`);

  // One account per address, whatever its case; every token look-up uses an index.
  await knex.schema.alterTable('users', (table) => {
    table.unique(['canonical_email'], { indexName: 'users_canonical_email_key' });
    table.unique(['session_id'], { indexName: 'users_session_id_key' });
    table.unique(['reset_token'], { indexName: 'users_reset_token_key' });
  });
}

/** Drops what `up` added. The digests cannot be turned back into tokens: clients log in again. */
export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.dropUnique(['canonical_email'], 'users_canonical_email_key');
    table.dropUnique(['session_id'], 'users_session_id_key');
    table.dropUnique(['reset_token'], 'users_reset_token_key');
    table.dropColumns(...addedColumns);
  });
  await knex('users').update({ session_id: null, reset_token: null });
}
