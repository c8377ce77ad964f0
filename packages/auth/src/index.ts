export {
  Auth,
  isSessionExpired,
  isResetTokenExpired,
  DEFAULT_SESSION_IDLE_TIMEOUT,
  DEFAULT_SESSION_ABSOLUTE_TIMEOUT,
  DEFAULT_RESET_TOKEN_LIFETIME,
  DEFAULT_MAX_SESSIONS,
  DEFAULT_CONFIRMATION_TOKEN_LIFETIME,
  isSessionPublicId,
} from './auth.ts';
export type { AuthOptions, IssuedConfirmationToken, IssuedResetToken, SessionInfo, SessionLimits, UpdatePasswordOptions } from './auth.ts';
export { SessionStore, USER_AGENT_LENGTH, ADDRESS_LENGTH } from './sessions.ts';
export type { Device, SessionRow } from './sessions.ts';
export {
  hashPassword,
  verifyPassword,
  checkPasswordInput,
  checkBcryptCost,
  bcryptCostOf,
  bcryptSlots,
  bcryptHashCount,
  DEFAULT_BCRYPT_COST,
  DEFAULT_BCRYPT_QUEUE_PER_CORE,
  MAX_PASSWORD_BYTES,
  MIN_PASSWORD_LENGTH,
} from './password.ts';
export { Slots, BusyError } from './slots.ts';
export type { HashOptions } from './password.ts';
export { generateUuid, hashToken, isWellFormedToken } from './tokens.ts';
export { checkPasswordStrength, contextWords, commonPasswords, passwordPolicies, SERVICE_NAME, MIN_CONTEXT_WORD_LENGTH } from './password-policy.ts';
export type { PasswordPolicy, PasswordContext } from './password-policy.ts';
export { UserExistsError, UnknownEmailError, InvalidResetTokenError, InvalidConfirmationTokenError, WeakPasswordError, WrongPasswordError, UnknownSessionError } from './errors.ts';
export type { WeakPasswordRule } from './errors.ts';
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
  InvalidEmailError,
  EmailTakenError,
  canonicalEmail,
  redact,
} from '@hallpass/db';
export type { DBOptions, UserProps, UserProperty } from '@hallpass/db';
