/** `pnpm db:migrate [up|status|down]`: see `migrateCommand`. */
import { migrateCommand } from './migrate-command.ts';

process.exitCode = await migrateCommand(process.argv.slice(2), process.env, (line) => console.log(line));
