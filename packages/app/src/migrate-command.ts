import { migrateDownOne, migrateToLatest, migrationStatus, withConnection } from '@hallpass/db';
import type { ConfigError } from './config.ts';
import { databaseOptions, describeDatabase, loadConfig } from './config.ts';
import { checkDataDir } from './start-failure.ts';

export const migrateUsage = 'usage: pnpm db:migrate [up|status|down]\n  up      apply every pending migration (the default)\n  status  list migrations: applied, pending, unknown\n  down    revert the most recent migration, one only';

/**
 * `pnpm db:migrate`: for operators who migrate before deploying (the service
 * also migrates to the latest schema when it starts). Reads the same
 * configuration as the server (`DATABASE_URL`, `HALLPASS_DATA_DIR`). Returns the
 * exit status: 0 done, 1 the database refused, 2 a bad command or configuration.
 */
export async function migrateCommand(args: readonly string[], env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<number> {
  const command = args[0] ?? 'up';
  if (args.length > 1 || !['up', 'status', 'down'].includes(command)) {
    print(migrateUsage);
    return 2;
  }
  let config;
  try {
    config = loadConfig(env);
    // The same rule as the server's start: an embedded database in a folder others can reach is not opened.
    if (config.databaseUrl === undefined) await checkDataDir(config.dataDir);
  } catch (error) {
    print(`hallpass db:migrate: ${(error as ConfigError).message}`);
    return 2;
  }
  print(`database: ${describeDatabase(config)}`);
  try {
    return await withConnection(databaseOptions(config), async (knex) => {
      if (command === 'status') {
        const status = await migrationStatus(knex);
        for (const name of status.applied) print(`applied  ${name}`);
        for (const name of status.pending) print(`pending  ${name}`);
        for (const name of status.unknown) print(`unknown  ${name} (applied by a newer hallpass)`);
        return status.unknown.length > 0 ? 1 : 0;
      }
      if (command === 'down') {
        const reverted = await migrateDownOne(knex);
        print(reverted === undefined ? 'nothing to revert: no migration is applied' : `reverted ${reverted}`);
        return 0;
      }
      const before = await migrationStatus(knex);
      await migrateToLatest(knex);
      print(before.pending.length === 0 ? 'already up to date' : before.pending.map((name) => `applied  ${name}`).join('\n'));
      return 0;
    });
  } catch (error) {
    print(`hallpass db:migrate: ${(error as Error).message}`);
    return 1;
  }
}
