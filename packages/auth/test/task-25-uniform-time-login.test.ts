import bcrypt from 'bcrypt';
import t from 'tap';
import { Auth, bcryptSlots } from '@hallpass/auth';
import { testDB } from '@hallpass/db/testing';

/**
 * Records the bcrypt work done while `fn` runs: the cost of every hash `compare`
 * checked a password against, and how many new hashes were made.
 */
async function bcryptWork(fn: () => Promise<unknown>): Promise<{ compared: number[]; hashed: number }> {
  const work = { compared: [] as number[], hashed: 0 };
  const { compare, hash } = bcrypt;
  bcrypt.compare = (async (data: string, encrypted: string) => {
    work.compared.push(Number(/^\$2[aby]\$(\d\d)\$/.exec(encrypted)?.[1] ?? Number.NaN));
    return compare(data, encrypted);
  }) as typeof bcrypt.compare;
  bcrypt.hash = (async (data: string, saltOrRounds: string | number) => {
    work.hashed += 1;
    return hash(data, saltOrRounds);
  }) as typeof bcrypt.hash;
  try {
    await fn();
  } finally {
    bcrypt.compare = compare;
    bcrypt.hash = hash;
  }
  return work;
}

for (const cost of [4, 5]) {
  t.test(`at cost ${cost}, an unknown email costs the same bcrypt work as a known one`, async (t) => {
    const db = await testDB(t);
    const auth = new Auth(db, { bcryptCost: cost });
    await auth.registerUser('bob@example.com', 'MyPwdOfBob');

    const known = await bcryptWork(async () => t.equal(await auth.validLogin('bob@example.com', 'WrongPwd'), false, 'known email, wrong password: false'));
    t.same(known.compared, [cost], `a known email: one comparison at cost ${cost}`);

    const unknown = await bcryptWork(async () => t.equal(await auth.validLogin('nobody@example.com', 'MyPwdOfBob'), false, 'unknown email: false'));
    t.same(unknown.compared, [cost], `an unknown email: one comparison too, against a hash of cost ${cost}`);

    const again = await bcryptWork(async () => {
      for (const email of ['amy@example.com', 'eve@example.com', 'bob\u200b@example.com']) t.equal(await auth.validLogin(email, 'MyPwdOfBob'), false, `${email}: false`);
    });
    t.same(again.compared, [cost, cost, cost], 'every unknown email costs one comparison');
    t.equal(again.hashed, 0, 'the dummy hash is made once, not for every login');
  });
}

t.test('the right password still logs in; the dummy hash matches no password', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  t.equal(await auth.validLogin('bob@example.com', 'MyPwdOfBob'), true);
  for (const password of ['MyPwdOfBob', 'password', 'x']) {
    t.equal(await auth.validLogin('nobody@example.com', password), false, `unknown email with ${password}: false`);
  }
});

/** The cost field of a bcrypt hash: `$2b$12$…` → 12. */
const costOf = (hash: string): number => Number(hash.split('$')[2]);

t.test('a hash of another cost is replaced at the configured one when its owner logs in', async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser('bob@example.com', await bcrypt.hash('MyPwdOfBob', 4));
  const auth = new Auth(db, { bcryptCost: 5 });
  const stored = async () => (await db.findUserBy({ id: bob.id })).hashedPassword;

  t.equal(await auth.validLogin('bob@example.com', 'WrongPwd'), false);
  t.equal(costOf(await stored()), 4, 'a wrong password changes nothing');
  t.equal(await auth.validLogin('bob@example.com', 'MyPwdOfBob'), true, 'the right password logs in');
  const rehashed = await stored();
  t.equal(costOf(rehashed), 5, 'the stored hash now has the configured cost');
  t.ok(await bcrypt.compare('MyPwdOfBob', rehashed), 'of the same password');
  t.equal(await auth.validLogin('bob@example.com', 'MyPwdOfBob'), true, 'which still logs in');
  t.equal(await stored(), rehashed, 'a hash at the configured cost is kept as it is');

  const higher = await bcrypt.hash('MyPwdOfBob', 6);
  await db.updateUser(bob.id, { hashedPassword: higher });
  const work = await bcryptWork(async () => t.equal(await auth.validLogin('BOB@example.com', 'MyPwdOfBob'), true));
  t.same(work, { compared: [6], hashed: 1 }, 'a costlier hash is replaced too: one comparison, one new hash');
  t.equal(costOf(await stored()), 5);
});

t.test('a login while bcrypt is too busy to re-hash still logs in, and the re-hash waits for a later one', async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser('bob@example.com', await bcrypt.hash('MyPwdOfBob', 4));
  const auth = new Auth(db, { bcryptCost: 5 });
  // Every slot held: the comparison waits in line.
  const { maxWaiting } = bcryptSlots;
  const gates = Array.from({ length: bcryptSlots.size }, gate);
  const held = gates.map((g) => bcryptSlots.run(() => g.promise));
  const login = auth.validLogin('bob@example.com', 'MyPwdOfBob');
  await until(() => bcryptSlots.waiting === 1);
  // One slot freed goes to the comparison; another job queued behind it takes that slot next; no more may wait.
  gates[0]!.open();
  const filler = gate();
  const queued = bcryptSlots.run(() => filler.promise);
  bcryptSlots.maxWaiting = 0;
  t.equal(await login, true, 'logged in');
  t.equal(costOf((await db.findUserBy({ id: bob.id })).hashedPassword), 4, 'the old hash is kept for now');
  bcryptSlots.maxWaiting = maxWaiting;
  for (const g of [filler, ...gates]) g.open();
  await Promise.all([...held, queued]);
  t.equal(await auth.validLogin('bob@example.com', 'MyPwdOfBob'), true);
  t.equal(costOf((await db.findUserBy({ id: bob.id })).hashedPassword), 5, 'the next login re-hashes');
});

t.test('a dummy hash bcrypt was too busy to make is made again for the next unknown email', async (t) => {
  const db = await testDB(t);
  const auth = new Auth(db, { bcryptCost: 4 });
  const { maxWaiting } = bcryptSlots;
  const gates = Array.from({ length: bcryptSlots.size }, gate);
  const held = gates.map((g) => bcryptSlots.run(() => g.promise));
  bcryptSlots.maxWaiting = 0;
  await t.rejects(auth.validLogin('nobody@example.com', 'x'), { code: 'ERR_BUSY' }, 'too busy: refused, not answered early');
  bcryptSlots.maxWaiting = maxWaiting;
  for (const g of gates) g.open();
  await Promise.all(held);
  t.equal(await auth.validLogin('nobody@example.com', 'x'), false, 'the next unknown email is answered');
});

/** A promise that resolves when the test opens it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Resolves once `condition` holds, checking after each turn of the event loop. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
