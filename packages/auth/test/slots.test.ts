import t from 'tap';
import { Slots } from '../src/slots.ts';
import { bcryptHashCount, bcryptSlots, hashPassword, verifyPassword } from '../src/password.ts';

/** A task that finishes when the test says so. */
function gate<T>() {
  let open!: (value: T) => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

t.test('Slots runs at most `size` tasks at once, the others in the order they came', async (t) => {
  const slots = new Slots(2);
  const gates = [gate<string>(), gate<string>(), gate<string>(), gate<string>()];
  const started: number[] = [];
  const results = gates.map((g, i) =>
    slots.run(() => {
      started.push(i);
      return g.promise;
    }),
  );
  await Promise.resolve();
  t.same(started, [0, 1], 'the first two start at once');
  t.equal(slots.running, 2);
  t.equal(slots.waiting, 2, 'the other two wait');

  gates[1]!.open('b');
  t.equal(await results[1], 'b', 'a task\'s result comes back');
  t.same(started, [0, 1, 2], 'a freed slot goes to the first in line');
  t.equal(slots.running, 2);

  gates[0]!.fail(new Error('boom'));
  await t.rejects(results[0]!, /boom/, 'a task\'s failure comes back');
  t.same(started, [0, 1, 2, 3], 'a failed task frees its slot too');

  gates[2]!.open('c');
  gates[3]!.open('d');
  t.same(await Promise.all(results.slice(2)), ['c', 'd']);
  t.equal(slots.running, 0, 'every slot is free at the end');
  t.equal(slots.waiting, 0);
});

t.test('Slots refuses a size that is not a whole number of at least 1', async (t) => {
  for (const size of [0, -1, 1.5, Number.NaN]) {
    t.throws(() => new Slots(size), RangeError, `size ${size}`);
  }
});

t.test('hashPassword and verifyPassword take one of bcrypt\'s slots each', async (t) => {
  const extra = 2;
  const hashes = Array.from({ length: bcryptSlots.size + extra }, () => hashPassword('pa55word', { cost: 4 }));
  t.equal(bcryptSlots.running, bcryptSlots.size, 'one hash per slot runs');
  t.equal(bcryptSlots.waiting, extra, 'the others wait');
  const [hash] = await Promise.all(hashes);
  const checks = Array.from({ length: bcryptSlots.size + extra }, () => verifyPassword('pa55word', hash!));
  t.equal(bcryptSlots.waiting, extra, 'compares wait for a slot too');
  t.same(await Promise.all(checks), Array(bcryptSlots.size + extra).fill(true));
  t.equal(bcryptSlots.running, 0);
});

t.test('Slots lets at most `maxWaiting` tasks wait; one more is refused with BusyError, before it starts', async (t) => {
  const slots = new Slots(1, 1);
  const gates = [gate<string>(), gate<string>()];
  const first = slots.run(() => gates[0]!.promise);
  const second = slots.run(() => gates[1]!.promise);
  t.equal(slots.waiting, 1);
  let ran = false;
  const third = slots.run(async () => {
    ran = true;
    return 'c';
  });
  await t.rejects(third, { name: 'BusyError', code: 'ERR_BUSY', waiting: 1, message: /busy: 1 password checks are already waiting/ });
  t.ok(third instanceof Promise, 'a refusal is a rejected promise, like any other failure');
  t.notOk(ran, 'the refused task never ran');
  t.equal(slots.started, 1, 'one task has started');
  slots.maxWaiting = 2;
  const fourth = slots.run(async () => 'd');
  t.equal(slots.waiting, 2, 'a higher limit lets one more wait');
  gates[0]!.open('a');
  gates[1]!.open('b');
  t.same(await Promise.all([first, second, fourth]), ['a', 'b', 'd']);
  t.equal(slots.started, 3);

  t.equal(new Slots(1).maxWaiting, Number.POSITIVE_INFINITY, 'no limit unless one is given');
  for (const bad of [-1, 1.5, Number.NaN]) {
    t.throws(() => new Slots(1, bad), RangeError, `maxWaiting ${bad} in the constructor`);
    t.throws(() => (slots.maxWaiting = bad), RangeError, `maxWaiting ${bad} set later`);
  }
  t.equal(slots.maxWaiting, 2, 'a refused value changes nothing');
});

t.test('bcrypt lets 16 jobs per core wait by default, and counts its hashes', async (t) => {
  t.equal(bcryptSlots.maxWaiting, 16 * bcryptSlots.size);
  const before = bcryptHashCount();
  const hash = await hashPassword('pa55word', { cost: 4 });
  await verifyPassword('pa55word', hash);
  t.equal(bcryptHashCount() - before, 1, 'a hash counts, a comparison does not');
});
