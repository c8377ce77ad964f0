import t from 'tap';
import { testKnex } from '@hallpass/db/testing';
import { userMigrations } from '@hallpass/user-model';

const compatibilityEmails = userMigrations.find((migration) => migration.name === '0003_compatibility_emails')!;

/** The rows as the migration left them: email and key, in id order. */
async function keys(knex: Awaited<ReturnType<typeof testKnex>>) {
  return (await knex('users').select('email', 'canonical_email').orderBy('id')) as { email: string; canonical_email: string | null }[];
}

t.test('0003 folds compatibility forms into the keys; where two accounts meet, the one with the plain address keeps it', async (t) => {
  const knex = await testKnex(t);
  await compatibilityEmails.down(knex);
  // Keys as migration 0002 wrote them (trim, NFC, lower case).
  const rows = [
    { email: '\uff42\uff4f\uff42@example.com', canonical_email: '\uff42\uff4f\uff42@example.com' },
    { email: 'Bob@Example.com', canonical_email: 'bob@example.com' },
    { email: '\uff41\uff4d\uff59@example.com', canonical_email: '\uff41\uff4d\uff59@example.com' },
    { email: '\u{1d41a}\u{1d426}\u{1d432}@example.com', canonical_email: '\u{1d41a}\u{1d426}\u{1d432}@example.com' },
    { email: 'Carol@Example.com', canonical_email: 'carol@example.com' },
    { email: 'carol@example.com ', canonical_email: null },
    { email: `${'\ufdfa'.repeat(14)}@x.io`, canonical_email: `${'\ufdfa'.repeat(14)}@x.io` },
  ].map((row, i) => ({ ...row, hashed_password: `h${i}` }));
  await knex('users').insert(rows);
  await compatibilityEmails.up(knex);

  t.same(await keys(knex), [
    { email: rows[0]!.email, canonical_email: null },
    { email: 'Bob@Example.com', canonical_email: 'bob@example.com' },
    { email: rows[2]!.email, canonical_email: 'amy@example.com' },
    { email: rows[3]!.email, canonical_email: null },
    { email: 'Carol@Example.com', canonical_email: 'carol@example.com' },
    { email: 'carol@example.com ', canonical_email: null },
    { email: rows[6]!.email, canonical_email: null },
  ], 'full-width bob yields to the plain one; the newer of two new spellings yields to the older; a key over 250 characters once folded, and a row left without one, get none');
  t.same((await knex('users').select('hashed_password').orderBy('id')).map((row: { hashed_password: string }) => row.hashed_password), rows.map((row) => row.hashed_password), 'every row is still there, untouched');
  await t.rejects(knex('users').insert({ email: 'AMY@example.com', canonical_email: 'amy@example.com', hashed_password: 'h' }), /users_canonical_email_key/, 'the keys are still unique');
});

t.test('0003 can be undone: the NFC keys come back where they are free', async (t) => {
  const knex = await testKnex(t);
  await knex('users').insert([
    { email: '\uff21\uff2d\uff39@example.com', canonical_email: 'amy@example.com', hashed_password: 'h1' },
    { email: 'dan@example.com', canonical_email: 'dan@example.com', hashed_password: 'h2' },
  ]);
  await compatibilityEmails.down(knex);
  t.same((await keys(knex)).map((row) => row.canonical_email), ['\uff41\uff4d\uff59@example.com', 'dan@example.com']);
  await compatibilityEmails.up(knex);
  t.same((await keys(knex)).map((row) => row.canonical_email), ['amy@example.com', 'dan@example.com'], 'and applied again');
});
