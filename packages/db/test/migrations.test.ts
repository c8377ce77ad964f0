/** The migration API behind `pnpm db:migrate`, and the refusal of a schema newer than the code. */
import t from 'tap';
import { DB, migrateDownOne, migrateToLatest, migrationStatus, withConnection } from '@hallpass/db';
import { isolatedTarget } from '@hallpass/db/testing';

t.test('down one, status, latest, and a migration this code does not know', async (t) => {
  const target = await isolatedTarget(t);
  await withConnection(target, async (knex) => {
    await migrateToLatest(knex);
    t.same(await migrationStatus(knex), { applied: ['0001_create_users', '0002_security_track', '0003_compatibility_emails', '0004_sessions', '0005_sign_up_confirmation'], pending: [], unknown: [] });
    // One migration at a time, the latest first.
    t.equal(await migrateDownOne(knex), '0005_sign_up_confirmation');
    t.same(await migrationStatus(knex), { applied: ['0001_create_users', '0002_security_track', '0003_compatibility_emails', '0004_sessions'], pending: ['0005_sign_up_confirmation'], unknown: [] });
    t.equal(await migrateDownOne(knex), '0004_sessions');
    t.same(await migrationStatus(knex), { applied: ['0001_create_users', '0002_security_track', '0003_compatibility_emails'], pending: ['0004_sessions', '0005_sign_up_confirmation'], unknown: [] });
    t.equal(await migrateDownOne(knex), '0003_compatibility_emails');
    t.same(await migrationStatus(knex), { applied: ['0001_create_users', '0002_security_track'], pending: ['0003_compatibility_emails', '0004_sessions', '0005_sign_up_confirmation'], unknown: [] });
    t.equal(await migrateDownOne(knex), '0002_security_track');
    t.same(await migrationStatus(knex), { applied: ['0001_create_users'], pending: ['0002_security_track', '0003_compatibility_emails', '0004_sessions', '0005_sign_up_confirmation'], unknown: [] });
    t.equal(await migrateDownOne(knex), '0001_create_users');
    t.same(await migrationStatus(knex), { applied: [], pending: ['0001_create_users', '0002_security_track', '0003_compatibility_emails', '0004_sessions', '0005_sign_up_confirmation'], unknown: [] });
    t.equal(await migrateDownOne(knex), undefined, 'nothing left to revert');
    await migrateToLatest(knex);
    await knex('knex_migrations').insert({ name: '0099_newer', batch: 9, migration_time: new Date() });
    t.same((await migrationStatus(knex)).unknown, ['0099_newer']);
    await t.rejects(migrateDownOne(knex), { code: 'ERR_DATABASE_OPEN', message: /does not know \(0099_newer\)/ });
  });
  await t.rejects(DB.open(target), { code: 'ERR_DATABASE_OPEN', message: /migrated by a newer hallpass/ });
});
