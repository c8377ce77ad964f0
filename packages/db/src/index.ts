export { DB } from './db.ts';
export type { DBOptions, ConsumeResetTokenOptions } from './db.ts';
export { canonicalEmail } from './email.ts';
export { NoResultFoundError, InvalidRequestError, InvalidAttributeError, DatabaseOpenError, InvalidEmailError, EmailTakenError } from './errors.ts';
export { redact } from './connection.ts';
export { HallpassError, InvalidArgumentError, TaskNotDoneError, User } from '@hallpass/user-model';
export type { UserProps, UserProperty } from '@hallpass/user-model';
