/** The embedded database's folder lock under contention: processes, not promises, since the lock is per process. */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { DB } from '@hallpass/db';
import { lockDataDir } from '../src/connection.ts';

async function tempDir(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hallpass-lock-test-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test('openers racing for a folder with a stale lock: exactly one wins', async (t) => {
  const dir = await tempDir(t);
  const racer = fileURLToPath(new URL('fixtures/lock-racer.ts', import.meta.url));
  const loader = process.execArgv.filter((arg) => !arg.includes('processinfo'));
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  await writeFile(join(dir, 'hallpass.lock'), String(dead));
  const racers = Array.from({ length: 3 }, () => {
    const child = spawn(process.execPath, [...loader, racer, dir], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdin.on('error', () => {});
    t.teardown(() => child.kill('SIGKILL'));
    return child;
  });
  const lines = racers.map((child) => {
    const queue: Array<(line: string) => void> = [];
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      for (let at = out.indexOf('\n'); at >= 0; at = out.indexOf('\n')) {
        queue.shift()?.(out.slice(0, at));
        out = out.slice(at + 1);
      }
    });
    return () => new Promise<string>((resolve) => queue.push(resolve));
  });
  const ready = lines.map((next) => next());
  t.same(await Promise.all(ready), ['ready', 'ready', 'ready'], 'every racer is loaded');
  // All at once: each sees the same stale lock and tries to take it over.
  const said = lines.map((next) => next());
  for (const child of racers) child.stdin.write('go\n');
  const answers = await Promise.all(said);
  t.equal(answers.filter((line) => line === 'locked').length, 1, `one winner among ${JSON.stringify(answers)}`);
  const winner = racers[answers.indexOf('locked')];
  for (const line of answers.filter((l) => l !== 'locked')) t.match(line, new RegExp(`^refused: .*in use by process ${winner?.pid}`), 'the others name the winner');
  t.equal(await readFile(join(dir, 'hallpass.lock'), 'utf8'), String(winner?.pid), 'the lock names the winner');
  await Promise.all(racers.map((child) => (child.stdin.end(), once(child, 'exit'))));
  await t.rejects(readFile(join(dir, 'hallpass.lock')), 'the winner released it on exit');
});

t.test('a data folder is created private (0700), and a lock holding no pid is stale', async (t) => {
  const dir = join(await tempDir(t), 'new', 'data');
  const db = await DB.open({ dataDir: dir });
  t.equal((await stat(dir)).mode & 0o777, 0o700, 'only the owner may enter');
  await db.close();
  await writeFile(join(dir, 'hallpass.lock'), 'garbage');
  const again = await DB.open({ dataDir: dir });
  t.equal(await readFile(join(dir, 'hallpass.lock'), 'utf8'), String(process.pid));
  await again.close();
});

t.test('a stale lock that a live process is taking over is waited for, within bounds', async (t) => {
  const dir = await tempDir(t);
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  await writeFile(join(dir, 'hallpass.lock'), String(dead));
  // Another live process (here: this test's parent) holds the takeover claim and never finishes.
  await writeFile(join(dir, 'hallpass.lock.takeover'), String(process.ppid));
  await t.rejects(lockDataDir(dir), { code: 'ERR_DATABASE_OPEN', message: /too many processes are opening it at once/ });
  // Once the claim is gone, the stale lock is taken over.
  await rm(join(dir, 'hallpass.lock.takeover'));
  const release = await lockDataDir(dir);
  t.equal(await readFile(join(dir, 'hallpass.lock'), 'utf8'), String(process.pid), 'the lock is ours');
  await release();
});
