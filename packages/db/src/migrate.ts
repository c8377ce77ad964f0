import type { Knex } from 'knex';
import { userMigrations, type Migration } from '@hallpass/user-model';
import { connect, type ConnectionOptions } from './connection.ts';
import { DatabaseOpenError } from './errors.ts';

/** Feeds knex the migrations the packages export, instead of a folder of files. */
function sourceOf(migrations: readonly Migration[]): Knex.MigrationSource<Migration> {
  return {
    getMigrations: async () => [...migrations],
    getMigrationName: (migration) => migration.name,
    getMigration: async (migration) => migration,
  };
}

const config = (): Knex.MigratorConfig => ({ migrationSource: sourceOf(userMigrations) });

/** Each migration this code knows, in order, and whether the database has it; then any it has that this code does not know. */
export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Applied by a newer version of the service: this code must not run against that schema. */
  unknown: string[];
}

export async function migrationStatus(knex: Knex): Promise<MigrationStatus> {
  const known = userMigrations.map((migration) => migration.name);
  const done = (await knex.schema.hasTable('knex_migrations'))
    ? (await knex('knex_migrations').select('name').orderBy('id')).map((row: { name: string }) => row.name)
    : [];
  return {
    applied: known.filter((name) => done.includes(name)),
    pending: known.filter((name) => !done.includes(name)),
    unknown: done.filter((name) => !known.includes(name)),
  };
}

/**
 * Refuses a database migrated by a newer version of the service (a rollback of
 * the code, not of the schema): running old code on a new schema corrupts data.
 */
export async function refuseUnknownMigrations(knex: Knex): Promise<void> {
  const { unknown } = await migrationStatus(knex);
  if (unknown.length > 0) {
    throw new DatabaseOpenError(
      `the database has migrations this version does not know (${unknown.join(', ')}): it was migrated by a newer hallpass; run that version, or roll the schema back with it (pnpm db:migrate down)`,
    );
  }
}

/**
 * Brings the schema up to date. Each migration runs in its own transaction and
 * knex's lock table stops two processes migrating at once. Nothing is dropped.
 */
export async function migrateToLatest(knex: Knex): Promise<void> {
  await refuseUnknownMigrations(knex);
  await knex.migrate.latest(config());
}

/** Reverts the most recent migration only; returns its name, or `undefined` when none is applied. */
export async function migrateDownOne(knex: Knex): Promise<string | undefined> {
  await refuseUnknownMigrations(knex);
  const [, reverted] = (await knex.migrate.down(config())) as [number, string[]];
  return reverted[0];
}

/** Opens the database of `options` for `work` (without migrating it) and closes it after. */
export async function withConnection<T>(options: ConnectionOptions, work: (knex: Knex) => Promise<T>): Promise<T> {
  const connection = await connect(options);
  try {
    return await work(connection.knex);
  } finally {
    await connection.close();
  }
}
