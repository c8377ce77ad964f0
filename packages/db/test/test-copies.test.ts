import { tmpdir } from 'node:os';
import t from 'tap';
import { copiesFolder } from '@hallpass/db/testing';

t.test("each test's copy of the PGlite snapshot goes to a roomy memory folder, or else the temporary folder", async (t) => {
  t.equal(copiesFolder('/no/such/folder'), tmpdir(), 'no memory folder (not Linux)');
  t.equal(copiesFolder('/dev/shm', Number.POSITIVE_INFINITY), tmpdir(), 'not room enough (a container with a small /dev/shm)');
  t.ok([tmpdir(), '/dev/shm'].includes(copiesFolder()), 'Linux: /dev/shm when it is a tmpfs with room');
});
