import t from 'tap';
import { Slots } from '../src/slots.ts';
import { bcryptSlots, hashPassword, verifyPassword } from '../src/password.ts';

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
