import t from 'tap';
import bcrypt from 'bcrypt';
import { InvalidArgumentError, hashPassword } from '@hallpass/auth';

/** The cost field of a bcrypt hash: `$2b$12$…` → 12. */
const costOf = (hash: string): number => Number(hash.split('$')[2]);

t.test('hashPassword gives a bcrypt $2b$ hash of cost 12 that verifies the password', async (t) => {
  const hash = await hashPassword('b4l0u');
  t.not(hash, 'b4l0u', 'the password is not returned in clear');
  t.match(hash, /^\$2b\$12\$[./A-Za-z0-9]{53}$/, 'a $2b$ hash with the default cost');
  t.equal(costOf(hash), 12, 'cost 12 when none is given');
  t.ok(await bcrypt.compare('b4l0u', hash), 'bcrypt accepts the password');
  t.notOk(await bcrypt.compare('b4l0U', hash), 'and refuses another one');
});

t.test('the cost can be chosen', async (t) => {
  t.equal(costOf(await hashPassword('b4l0u', { cost: 4 })), 4);
  t.equal(costOf(await hashPassword('b4l0u', { cost: 5 })), 5);
  t.equal(costOf(await hashPassword('b4l0u', {})), 12, 'no cost given: 12');
  t.equal(costOf(await hashPassword('b4l0u', { cost: undefined })), 12);
});

t.test('the same password hashes differently every time (a random salt)', async (t) => {
  const first = await hashPassword('b4l0u', { cost: 4 });
  const second = await hashPassword('b4l0u', { cost: 4 });
  t.not(first, second, 'two hashes of one password differ: bcrypt makes a new salt each time, never a fixed one');
  t.ok(await bcrypt.compare('b4l0u', first));
  t.ok(await bcrypt.compare('b4l0u', second));
});

t.test('hashing does not block the event loop', async (t) => {
  let turned = false;
  const immediate = setImmediate(() => (turned = true));
  const hash = hashPassword('b4l0u');
  t.type(hash.then, 'function', 'hashPassword returns a promise');
  await hash;
  clearImmediate(immediate);
  t.ok(turned, 'other callbacks ran while the hash was computed');
});

t.test('passwords up to 72 bytes in UTF-8 are hashed', async (t) => {
  for (const password of ['a'.repeat(72), 'é'.repeat(36), '€'.repeat(24), 'x']) {
    const hash = await hashPassword(password, { cost: 4 });
    t.ok(await bcrypt.compare(password, hash), `${Buffer.byteLength(password)} bytes, ${password.length} characters`);
  }
});

t.test('a password longer than 72 bytes is refused, never truncated', async (t) => {
  const tooLong: [string, number][] = [
    ['a'.repeat(73), 73],
    ['é'.repeat(37), 74], // 37 characters, but 2 bytes each
    ['😀'.repeat(19), 76],
    [`${'a'.repeat(71)}é`, 73],
  ];
  for (const [password, bytes] of tooLong) {
    await t.rejects(hashPassword(password, { cost: 4 }), InvalidArgumentError, `${bytes} bytes`);
    const error = await hashPassword(password, { cost: 4 }).then((hash) => new Error(`hashed: ${hash}`), (e: unknown) => e as Error);
    t.match(error, { code: 'ERR_INVALID_ARGUMENT', message: /72 bytes/ }, `${bytes} bytes: the message states the limit`);
    t.match((error as Error).message, new RegExp(`\\b${bytes}\\b`), `${bytes} bytes: the message states the length in bytes, not characters`);
    t.notOk((error as Error).message.includes(password), 'the message does not echo the password');
  }
});

t.test('a password that is not a non-empty string is refused', async (t) => {
  for (const password of ['', undefined, null, 12345, ['pw'], { password: 'pw' }]) {
    await t.rejects(hashPassword(password as string, { cost: 4 }), { name: 'InvalidArgumentError', code: 'ERR_INVALID_ARGUMENT', message: /password/ }, JSON.stringify(password) ?? 'undefined');
  }
});

t.test('a cost bcrypt would not use as given is refused', async (t) => {
  for (const cost of [3, 0, -1, 32, 4.5, Number.NaN, '12', null]) {
    await t.rejects(hashPassword('b4l0u', { cost: cost as number }), {
      code: 'ERR_INVALID_ARGUMENT',
      message: /cost/,
    }, `cost ${String(cost)}`);
  }
});

t.test('a password holding a control character other than tab is refused; a tab is kept', async (t) => {
  const controls: [string, string][] = [
    ['NUL', 'pass\u0000word'],
    ['a line feed', 'pass\nword'],
    ['a carriage return', 'pass\rword'],
    ['escape', '\u001b[31mpassword'],
    ['DEL', 'password\u007f'],
    ['a C1 control (NEL)', 'pass\u0085word'],
  ];
  for (const [what, password] of controls) {
    const error = await hashPassword(password, { cost: 4 }).then((hash) => new Error(`hashed: ${hash}`), (e: unknown) => e as Error);
    t.match(error, { name: 'InvalidArgumentError', code: 'ERR_INVALID_ARGUMENT', message: /control characters other than tab, got U\+00[0-9A-F]{2}/ }, `${what}: refused, the message names the code point`);
    t.notOk((error as Error).message.includes(password), `${what}: the message does not echo the password`);
  }
  const hash = await hashPassword('pass\tword', { cost: 4 });
  t.ok(await bcrypt.compare('pass\tword', hash), 'a tab is a character like any other');
});

t.test('the hash is of the password in Unicode NFC: an accent typed apart is the same password', async (t) => {
  const decomposed = 'cafe\u0301-cre\u0300me';
  const composed = 'caf\u00e9-cr\u00e8me';
  const hash = await hashPassword(decomposed, { cost: 4 });
  t.ok(await bcrypt.compare(composed, hash), 'bcrypt was given the NFC form');
  t.notOk(await bcrypt.compare(decomposed, hash), 'not the form as typed');
  // U+0958 is 3 bytes, and NFC turns it into two characters of 3 bytes each: 24 of them are 72 bytes typed, 144 once normalised.
  const growing = '\u0958'.repeat(24);
  t.equal(Buffer.byteLength(growing), 72);
  await t.rejects(hashPassword(growing, { cost: 4 }), { code: 'ERR_INVALID_ARGUMENT', message: /72 bytes in UTF-8, got 144 bytes/ }, 'the 72 bytes are counted on the NFC form, which bcrypt reads');
  const shrinking = 'e\u0301'.repeat(30);
  t.equal(Buffer.byteLength(shrinking), 90);
  t.ok(await bcrypt.compare('\u00e9'.repeat(30), await hashPassword(shrinking, { cost: 4 })), '90 bytes typed, 60 once normalised: accepted');
});
