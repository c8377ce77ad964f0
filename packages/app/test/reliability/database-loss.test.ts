/**
 * Database loss: PostgreSQL ends the pool's connections (pg_terminate_backend,
 * as a failover or an administrator does) while requests flow. Every request
 * is answered in bounded time, 200 or 503 with a JSON message; the service
 * recovers by itself; no sign-up answered 200 is missing.
 */
import t from 'tap';
import { withConnection } from '@hallpass/db';
import { call, listeningService, postgresDatabase, postgresUrl, skipReason, type Answer } from '../fixtures/reliability.ts';

if (postgresUrl === undefined) t.test(skipReason, { skip: skipReason }, () => {});
else
  t.test('connections terminated under load: 503s with a message, then recovery, and no acknowledged write lost', async (t) => {
    const url = await postgresDatabase(t);
    const { db, base } = await listeningService(t, url);
    const database = new URL(url).pathname.slice(1);
    const terminate = () =>
      withConnection({ connection: postgresUrl }, async (admin) => {
        const result = await admin.raw('select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = ? and pid <> pg_backend_pid()', [database]);
        return (result.rows[0] as { n: number }).n;
      });

    const acknowledged: string[] = [];
    const answers: Answer[] = [];
    let stop = false;
    const worker = async (id: number) => {
      for (let i = 0; !stop; i++) {
        const email = `w${id}-${i}@example.com`;
        const answer = await call(base, 'POST', '/users', { email, password: 'pw-12345' });
        answers.push(answer);
        if (answer.status === 200) acknowledged.push(email);
      }
    };
    const workers = [1, 2, 3, 4].map(worker);
    let killed = 0;
    for (let round = 0; round < 5; round++) {
      const before = answers.length;
      // Let some requests through between terminations: wait for answers, not for time.
      while (answers.length < before + 5) await new Promise((resolve) => setImmediate(resolve));
      killed += await terminate();
    }
    stop = true;
    await Promise.all(workers);
    t.ok(killed > 0, `${killed} backends terminated during ${answers.length} requests`);

    const statuses = [...new Set(answers.map((a) => a.status))].sort();
    t.same(statuses.filter((s) => s !== 200 && s !== 503), [], `only 200 and 503 answers (${statuses.join(', ')})`);
    for (const answer of answers.filter((a) => a.status === 503)) {
      t.match(answer.body, { code: 'ERR_DATABASE_UNAVAILABLE', message: /database is unavailable/ }, '503 says why, in JSON');
    }

    const recovered = await call(base, 'POST', '/users', { email: 'after@example.com', password: 'pw-12345' });
    t.equal(recovered.status, 200, 'the service recovered by itself');
    t.equal((await call(base, 'GET', '/readyz')).status, 200, 'and is ready');

    const stored = new Set((await db.knex('users').select('email')).map((row: { email: string }) => row.email));
    t.same(acknowledged.filter((email) => !stored.has(email)), [], `all ${acknowledged.length} acknowledged sign-ups are stored`);
  });
