import t from 'tap';
import { generateUuid } from '@hallpass/auth';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

t.test('generateUuid returns a UUID version 4 string', async (t) => {
  const uuid = generateUuid();
  t.type(uuid, 'string');
  t.equal(uuid.length, 36);
  t.match(uuid, UUID_V4, 'version 4, RFC 4122 variant, lower-case hex');
});

t.test('every call gives a new one', async (t) => {
  const uuids = Array.from({ length: 1000 }, () => generateUuid());
  t.equal(new Set(uuids).size, uuids.length, '1000 calls, 1000 different ids');
  t.ok(uuids.every((uuid) => UUID_V4.test(uuid)), 'all of them UUID v4');
});
