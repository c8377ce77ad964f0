export { DB } from './db.ts';
export type { DBOptions } from './db.ts';
export { NoResultFoundError, InvalidRequestError, InvalidAttributeError, DatabaseOpenError } from './errors.ts';
export { redact } from './connection.ts';
export { isDatabaseUnavailable } from './availability.ts';
export { migrationStatus, migrateToLatest, migrateDownOne, refuseUnknownMigrations, withConnection } from './migrate.ts';
export type { MigrationStatus } from './migrate.ts';
export { HallpassError, InvalidArgumentError, TaskNotDoneError, User } from '@hallpass/user-model';
export type { UserProps, UserProperty } from '@hallpass/user-model';
