import type { Knex } from 'knex';
import { userMigrations, type Migration } from '@hallpass/user-model';

/** Feeds knex the migrations the packages export, instead of a folder of files. */
function sourceOf(migrations: readonly Migration[]): Knex.MigrationSource<Migration> {
  return {
    getMigrations: async () => [...migrations],
    getMigrationName: (migration) => migration.name,
    getMigration: async (migration) => migration,
  };
}

/**
 * Brings the schema up to date. Each migration runs in its own transaction and
 * knex's lock table stops two processes migrating at once. Nothing is dropped.
 */
export async function migrateToLatest(knex: Knex): Promise<void> {
  await knex.migrate.latest({ migrationSource: sourceOf(userMigrations) });
}
