/** The look-up by session id alone (every authenticated request's query) answers exactly as any other findUserBy. */
import t from 'tap';
import { NoResultFoundError, User } from '@hallpass/db';
import { testDB } from '@hallpass/db/testing';

t.test('findUserBy({ sessionId }) finds the same user, as a User, and the same errors', async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser('bob@example.com', 'hash-b');
  const amy = await db.addUser('amy@example.com', 'hash-a');
  const seen = new Date('2026-01-02T03:04:05.678Z');
  await db.updateUser(amy.id, { sessionId: 'digest-a', sessionCreatedAt: seen, sessionSeenAt: seen });
  for (let i = 0; i < 3; i++) {
    const found = await db.findUserBy({ sessionId: 'digest-a' });
    t.ok(found instanceof User, 'a User');
    t.same({ ...found }, { ...(await db.findUserBy({ id: amy.id })) }, 'every property, as the general query gives them');
    t.same(found.sessionSeenAt, seen, 'timestamps are Dates');
  }
  await t.rejects(db.findUserBy({ sessionId: 'no-such-digest' }), { constructor: NoResultFoundError, message: 'no user matches the given sessionId' });
  t.equal((await db.findUserBy({ sessionId: null })).id, bob.id, 'null still matches a cleared session');
  await t.rejects(db.findUserBy({ sessionId: 'x'.repeat(251) }), { code: 'ERR_INVALID_REQUEST' }, 'a value too long for the column is still a bad question');
});

t.test('the prepared look-up survives a column added by a newer release', async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser('bob@example.com', 'hash-b');
  await db.updateUser(bob.id, { sessionId: 'digest-b' });
  t.equal((await db.findUserBy({ sessionId: 'digest-b' })).id, bob.id);
  await db.knex.schema.alterTable('users', (table) => table.text('added_later'));
  t.equal((await db.findUserBy({ sessionId: 'digest-b' })).id, bob.id, 'still found');
});

t.test("the look-up is announced on knex's 'query' event like every other query", async (t) => {
  const db = await testDB(t);
  const bob = await db.addUser('bob@example.com', 'hash-b');
  await db.updateUser(bob.id, { sessionId: 'digest-b' });
  const seen: { sql: string; bindings: unknown[] }[] = [];
  const listener = (query: { sql: string; bindings: unknown[] }): void => void seen.push(query);
  db.knex.on('query', listener);
  t.teardown(() => db.knex.off('query', listener));
  t.equal((await db.findUserBy({ sessionId: 'digest-b' })).id, bob.id);
  t.equal(seen.length, 1, 'one query announced');
  t.match(seen[0]?.sql, /session_id/, 'with its SQL');
  t.equal(seen[0]?.bindings[0], 'digest-b', 'and the value looked up');
});

t.test('findSessionByDigest: the session of `sessions` and its user, in one query', async (t) => {
  const db = await testDB(t);
  await db.addUser('bob@example.com', 'hash-b');
  const amy = await db.addUser('amy@example.com', 'hash-a');
  const created = new Date('2026-01-02T03:04:05.678Z');
  const seen = new Date('2026-01-02T04:05:06.789Z');
  const [row] = (await db.knex('sessions')
    .insert({ user_id: amy.id, token_digest: 'digest-a', created_at: created, seen_at: seen, user_agent: 'curl/8', address: '192.0.2.1' })
    .returning('id')) as { id: string }[];
  const queries: { sql: string; bindings: unknown[] }[] = [];
  const listener = (query: { sql: string; bindings: unknown[] }): void => void queries.push(query);
  db.knex.on('query', listener);
  t.teardown(() => db.knex.off('query', listener));
  for (let i = 0; i < 3; i++) {
    const found = await db.findSessionByDigest('digest-a');
    t.ok(found?.user instanceof User, 'the user, as a User');
    t.same({ ...found?.user }, { ...(await db.findUserBy({ id: amy.id })) }, 'every property, as the general query gives them');
    t.same(found?.session, { id: row!.id, userId: amy.id, createdAt: created, seenAt: seen, userAgent: 'curl/8', address: '192.0.2.1' }, 'the session, without its digest');
  }
  t.equal(queries.filter((query) => /sessions/.test(query.sql)).length, 3, "one query per look-up, announced on knex's 'query' event");
  t.equal(await db.findSessionByDigest('no-such-digest'), null, 'an unknown digest: null');
  await db.knex.schema.alterTable('sessions', (table) => table.text('added_later'));
  t.equal((await db.findSessionByDigest('digest-a'))?.user.id, amy.id, 'a column added by a newer release changes nothing');
});

t.test('findSessionByDigest refuses what cannot be a digest', async (t) => {
  const db = await testDB(t);
  for (const bad of ['', undefined, 42]) {
    await t.rejects(db.findSessionByDigest(bad as string), { code: 'ERR_INVALID_ARGUMENT' }, `${JSON.stringify(bad)}`);
  }
});
