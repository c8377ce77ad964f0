export { HallpassError, InvalidArgumentError, TaskNotDoneError } from './errors.ts';
export { User, userProperties, timestampProperties, isUserProperty } from './user.ts';
export type { UserProperty, UserProps } from './user.ts';
export { userMigrations } from './migrations.ts';
export type { Migration } from './migrations.ts';
