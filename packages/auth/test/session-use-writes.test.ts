import t from 'tap';
import { Auth } from '@hallpass/auth';
import { testDB } from '@hallpass/db/testing';

// Recording a session's last use is a write; a busy client would pay it on every
// request. The service writes it again only once the recorded use is a thirtieth of
// the idle limit old (a minute at most), and these tests hold it to that.

const SECOND = 1000;

function fakeClock(start = Date.parse('2026-03-02T08:00:00Z')) {
  let now = start;
  return { clock: () => new Date(now), advance: (ms: number) => (now += ms) };
}

t.test('uses close together write the last use once', async (t) => {
  const db = await testDB(t);
  const time = fakeClock();
  const auth = new Auth(db, { bcryptCost: 4, clock: time.clock });
  const bob = await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  const sessionId = await auth.createSession('bob@example.com');
  // Every write of a use is an UPDATE of the session's row.
  const writes: unknown[] = [];
  db.knex.on('query', (query: { method?: string; bindings?: unknown[] }) => {
    if (query.method === 'update') writes.push(query.bindings?.[0]);
  });
  for (let i = 0; i < 5; i++) {
    time.advance(10 * SECOND);
    t.equal((await auth.getUserFromSessionId(sessionId))?.id, bob.id, `use at ${(i + 1) * 10} s`);
  }
  t.same(writes, [], 'five uses within 50 s of the session starting: no write');
  time.advance(10 * SECOND);
  await auth.getUserFromSessionId(sessionId);
  t.same(writes, [new Date(Date.parse('2026-03-02T08:01:00Z'))], 'the use a minute in is recorded');
  time.advance(30 * SECOND);
  await auth.getUserFromSessionId(sessionId);
  t.equal(writes.length, 1, 'and the next within a minute of it is not');
});

t.test('the idle limit counts from the last recorded use', async (t) => {
  const db = await testDB(t);
  const time = fakeClock();
  const auth = new Auth(db, { bcryptCost: 4, clock: time.clock, sessionIdleTimeout: 300 });
  const bob = await auth.registerUser('bob@example.com', 'MyPwdOfBob');
  const sessionId = await auth.createSession('bob@example.com');
  // Idle limit 300 s: uses are recorded when the last one is 10 s old or more.
  time.advance(9 * SECOND);
  t.equal((await auth.getUserFromSessionId(sessionId))?.id, bob.id, 'used at 9 s (not recorded)');
  time.advance(291 * SECOND);
  t.equal(await auth.getUserFromSessionId(sessionId), null, '300 s after the recorded use the session has ended, 9 s early');

  const next = await auth.createSession('bob@example.com');
  time.advance(10 * SECOND);
  t.equal((await auth.getUserFromSessionId(next))?.id, bob.id, 'used at 10 s (recorded)');
  time.advance(299 * SECOND);
  t.equal((await auth.getUserFromSessionId(next))?.id, bob.id, '299 s after that use it is still open');
});
