export { Auth } from './auth.ts';
export type { AuthOptions, UpdatePasswordOptions } from './auth.ts';
export { hashPassword, verifyPassword, checkPasswordInput, checkBcryptCost, DEFAULT_BCRYPT_COST, MAX_PASSWORD_BYTES } from './password.ts';
export type { HashOptions } from './password.ts';
export { generateUuid } from './tokens.ts';
export { UserExistsError, UnknownEmailError, InvalidResetTokenError } from './errors.ts';
// What the service needs from the layers below, so it can import from @hallpass/auth alone.
export {
  DB,
  User,
  HallpassError,
  InvalidArgumentError,
  TaskNotDoneError,
  NoResultFoundError,
  InvalidRequestError,
  InvalidAttributeError,
  DatabaseOpenError,
  redact,
} from '@hallpass/db';
export type { DBOptions, UserProps, UserProperty } from '@hallpass/db';
