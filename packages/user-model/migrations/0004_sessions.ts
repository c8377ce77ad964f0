import type { Knex } from 'knex';

/**
 * One session per login, not one per user: a `sessions` table. Every live
 * session of `users.session_id` moves into it with its times, so nobody is
 * logged out by the upgrade; the user's own session columns are emptied, not
 * dropped, since the course's data model (tasks 0 to 13) keeps `session_id`.
 */
export const name = '0004_sessions';

/** The longest `User-Agent` kept for a session; the rest of the header is cut off. */
export const USER_AGENT_LENGTH = 200;
/** The longest client address: an IPv6 address with an embedded IPv4 one has 45 characters. */
export const ADDRESS_LENGTH = 45;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sessions', (table) => {
    // The public id names a session in lists and URLs; the token never leaves the cookie.
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    table.string('token_digest', 64).notNullable().unique({ indexName: 'sessions_token_digest_key' });
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('seen_at', { useTz: true }).notNullable();
    table.string('user_agent', USER_AGENT_LENGTH).nullable();
    table.string('address', ADDRESS_LENGTH).nullable();
    table.index(['user_id', 'created_at'], 'sessions_user_id_created_at_idx');
  });
  // A session without its times was never live (task 23 treats it as over): it is not moved.
  await knex.raw(`INSERT INTO sessions (user_id, token_digest, created_at, seen_at)
                  SELECT id, session_id, session_created_at, session_seen_at FROM users
                  WHERE session_id IS NOT NULL AND session_created_at IS NOT NULL AND session_seen_at IS NOT NULL`);
  await knex('users').update({ session_id: null, session_created_at: null, session_seen_at: null });
}

/** Puts each user's newest session back in their row (one column holds one session: the others end) and drops the table. */
export async function down(knex: Knex): Promise<void> {
  await knex.raw(`UPDATE users SET session_id = newest.token_digest, session_created_at = newest.created_at, session_seen_at = newest.seen_at
                  FROM (SELECT DISTINCT ON (user_id) user_id, token_digest, created_at, seen_at FROM sessions
                        ORDER BY user_id, created_at DESC, id) AS newest
                  WHERE users.id = newest.user_id`);
  await knex.schema.dropTable('sessions');
}
