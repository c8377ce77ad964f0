import t from 'tap';
import { generateUuid } from '@hallpass/auth';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

t.test('generateUuid returns a UUID version 4 string', async (t) => {
  const uuid = generateUuid();
  t.type(uuid, 'string');
  t.equal(uuid.length, 36, '36 characters: 32 hex digits and 4 dashes');
  t.match(uuid, UUID_V4, 'version 4, RFC 4122 variant, lower-case hex, as in 1b4e28ba-2fa1-4d2e-883f-0016d3cca427');
});

t.test('every call gives a new one', async (t) => {
  const uuids = Array.from({ length: 1000 }, () => generateUuid());
  t.equal(new Set(uuids).size, uuids.length, '1000 calls, 1000 different ids');
  t.ok(uuids.every((uuid) => UUID_V4.test(uuid)), 'all of them UUID v4');
});

t.test('the randomness comes from the CSPRNG, not Math.random', async (t) => {
  // Math.random is predictable: ids made from it can be guessed. With it pinned, a CSPRNG-based id still changes.
  const random = Math.random;
  Math.random = () => 0.5;
  let uuids: string[];
  try {
    uuids = [generateUuid(), generateUuid()];
  } finally {
    Math.random = random;
  }
  t.not(uuids[0], uuids[1], 'two ids differ even when Math.random always answers 0.5: use node:crypto');
});
