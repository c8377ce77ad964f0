import type { Knex } from 'knex';

/**
 * Canonical emails fold compatibility forms (Unicode NFKC instead of NFC), so
 * `ｂｏｂ@example.com` in full-width letters is the address `bob@example.com`.
 * Each row's `canonical_email` is computed again; rows are never dropped.
 */
export const name = '0003_compatibility_emails';

/**
 * The rule of this migration, written out here and not imported: a migration
 * must not change when the code does. It matches `canonicalEmail` in
 * `@hallpass/db` as of this migration, without the checks that refuse an address:
 * an account already stored keeps a key, so a look-up can still find it.
 */
const nfkc = (email: string): string => email.normalize('NFKC').trim().toLowerCase();
/** Migration 0002's rule, which `down` puts back. */
const nfc = (email: string): string => email.trim().normalize('NFC').toLowerCase();

export const up = (knex: Knex): Promise<void> => rekey(knex, nfkc);
export const down = (knex: Knex): Promise<void> => rekey(knex, nfc);

/**
 * Computes every row's key again with `keyOf`. Where two accounts come to share
 * a key, the one that already had it keeps it (its owner typed the address
 * plainly); otherwise the older one. The other is left without a key, as
 * migration 0002 left the newer of two: no look-up by email finds it, and
 * nothing is deleted. A row without a key stays without one.
 */
async function rekey(knex: Knex, keyOf: (email: string) => string): Promise<void> {
  const rows = (await knex('users').select('id', 'email', 'canonical_email').whereNotNull('canonical_email').orderBy('id')) as Row[];
  const owners = new Set(rows.filter((row) => keyOf(row.email) === row.canonical_email).map((row) => row.canonical_email));
  const changes: Array<{ id: number; key: string | null }> = [];
  for (const row of rows) {
    const key = keyOf(row.email);
    if (key === row.canonical_email) continue;
    const free = !owners.has(key) && key.length <= 250;
    if (free) owners.add(key);
    changes.push({ id: row.id, key: free ? key : null });
  }
  if (changes.length === 0) return;
  // Cleared first, then written: a key may pass from one row to another, and the unique index checks every statement.
  await knex('users').whereIn('id', changes.map((change) => change.id)).update({ canonical_email: null });
  for (const { id, key } of changes) if (key !== null) await knex('users').where({ id }).update({ canonical_email: key });
}

interface Row {
  id: number;
  email: string;
  canonical_email: string | null;
}
