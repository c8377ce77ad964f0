/** `pnpm db:migrate` for operators, and the server's refusal of a schema newer than its code. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { migrateCommand } from '@hallpass/app';
import { DB, withConnection } from '@hallpass/db';
import { isolatedTarget } from '@hallpass/db/testing';
import { tsLoader } from './fixtures/spawn.ts';

async function targetEnv(t: Parameters<typeof isolatedTarget>[0]): Promise<NodeJS.ProcessEnv> {
  const target = await isolatedTarget(t);
  /* c8 ignore next - which branch runs depends on DATABASE_URL */
  return target.connection === undefined ? { HALLPASS_DATA_DIR: target.dataDir } : { DATABASE_URL: target.connection };
}

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number; output: string }> {
  const lines: string[] = [];
  const status = await migrateCommand(args, env, (line) => lines.push(line));
  return { status, output: lines.join('\n') };
}

t.test('up, status and down, one migration at a time', async (t) => {
  const env = await targetEnv(t);
  t.match(await run(['up'], env), { status: 0 }, 'up brings a new or migrated database to the latest schema');
  t.match(await run([], env), { status: 0, output: /already up to date/ }, 'up is the default, and a second one changes nothing');
  t.match(await run(['status'], env), { status: 0, output: /^applied {2}0001_create_users\napplied {2}0002_security_track\napplied {2}0003_compatibility_emails\napplied {2}0004_sessions\napplied {2}0005_sign_up_confirmation$/m });
  // Each down reverts the latest migration only.
  t.match(await run(['down'], env), { status: 0, output: /reverted 0005_sign_up_confirmation/ });
  t.match(await run(['status'], env), { status: 0, output: /^applied {2}0004_sessions\npending {2}0005_sign_up_confirmation$/m });
  t.match(await run(['down'], env), { status: 0, output: /reverted 0004_sessions/ });
  t.match(await run(['status'], env), { status: 0, output: /^applied {2}0003_compatibility_emails\npending {2}0004_sessions$/m });
  t.match(await run(['down'], env), { status: 0, output: /reverted 0003_compatibility_emails/ });
  t.match(await run(['status'], env), { status: 0, output: /^applied {2}0002_security_track\npending {2}0003_compatibility_emails$/m });
  t.match(await run(['down'], env), { status: 0, output: /reverted 0002_security_track/ });
  t.match(await run(['status'], env), { status: 0, output: /^applied {2}0001_create_users\npending {2}0002_security_track$/m });
  t.match(await run(['down'], env), { status: 0, output: /reverted 0001_create_users/ });
  t.match(await run(['status'], env), { status: 0, output: /^pending {2}0001_create_users\npending {2}0002_security_track\npending {2}0003_compatibility_emails\npending {2}0004_sessions\npending {2}0005_sign_up_confirmation$/m });
  t.match(await run(['down'], env), { status: 0, output: /nothing to revert/ });
  t.match(await run(['up'], env), { status: 0, output: /^applied {2}0001_create_users\napplied {2}0002_security_track\napplied {2}0003_compatibility_emails\napplied {2}0004_sessions\napplied {2}0005_sign_up_confirmation$/m });
  t.match(await run(['status'], env), { status: 0, output: /^database: /m }, 'says which database, without its password');
});

t.test('a database migrated by a newer version is refused by the server and reported by status', async (t) => {
  const env = await targetEnv(t);
  await run(['up'], env);
  const options = env.DATABASE_URL === undefined ? { dataDir: env.HALLPASS_DATA_DIR } : { connection: env.DATABASE_URL };
  await withConnection(options, (knex) => knex('knex_migrations').insert({ name: '0099_from_the_future', batch: 9, migration_time: new Date() }));
  t.match(await run(['status'], env), { status: 1, output: /^unknown {2}0099_from_the_future \(applied by a newer hallpass\)$/m });
  t.match(await run(['down'], env), { status: 1, output: /migrations this version does not know \(0099_from_the_future\)/ });
  await t.rejects(DB.open(options), { code: 'ERR_DATABASE_OPEN', message: /has migrations this version does not know \(0099_from_the_future\)/ });
});

t.test('bad usage and bad configuration exit 2, an unreachable database 1', async (t) => {
  t.match(await run(['sideways'], {}), { status: 2, output: /^usage: pnpm db:migrate \[up\|status\|down\]/ });
  t.match(await run(['up', 'now'], {}), { status: 2, output: /^usage/ });
  t.match(await run(['status'], { PORT: 'x' }), { status: 2, output: /PORT must be/ });
  const unreachable = await run(['status'], { DATABASE_URL: 'postgres://app:s3cret@127.0.0.1:1/none', DB_CONNECT_TIMEOUT_MS: '500' });
  t.equal(unreachable.status, 1);
  t.notMatch(unreachable.output, /s3cret/, 'the password is not printed');
});

t.test('an embedded database in a folder other users can reach is not opened (exit 2), as at the server\'s start', async (t) => {
  const dir = t.testdir({});
  await chmod(dir, 0o755);
  const refused = await run(['status'], { DATABASE_URL: '', HALLPASS_DATA_DIR: dir });
  t.equal(refused.status, 2);
  t.match(refused.output, /HALLPASS_DATA_DIR \(.*\) may be read or written by other users \(mode 755\).*chmod 700/);
  t.same(await readdir(dir), [], 'nothing was written in it');
});

t.test('`pnpm db:migrate` runs the command', async (t) => {
  const env = await targetEnv(t);
  const child = spawn(process.execPath, [...tsLoader(), fileURLToPath(new URL('../src/migrate-cli.ts', import.meta.url)), 'status'], {
    env: { ...process.env, DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = await once(child, 'exit');
  t.equal(code, 0, output);
  t.match(output, /^database: /m);
});
