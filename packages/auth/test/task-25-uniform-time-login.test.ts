import bcrypt from 'bcrypt';
import t from 'tap';
import { Auth } from '@hallpass/auth';
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
