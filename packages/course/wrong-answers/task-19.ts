import type { WrongAnswer } from '../src/wrong-answers.ts';

const reset = 'packages/app/src/routes/reset-password.ts';
const errors = 'packages/app/src/plugins/errors.ts';

export default [
  { name: "the token's owner is not checked (email not passed to updatePassword)", file: reset, find: 'await app.auth.updatePassword(resetToken, newPassword, { email });', replace: 'await app.auth.updatePassword(resetToken, newPassword);' },
  { name: 'token and password swapped', file: reset, find: 'await app.auth.updatePassword(resetToken, newPassword, { email });', replace: 'await app.auth.updatePassword(newPassword, resetToken, { email });' },
  { name: 'never updates the password', file: reset, find: 'await app.auth.updatePassword(resetToken, newPassword, { email });', replace: '' },
  { name: 'a bad token is a 400', file: errors, find: 'ERR_INVALID_RESET_TOKEN: { status: 403,', replace: 'ERR_INVALID_RESET_TOKEN: { status: 400,' },
  { name: 'a bad token is a 401', file: errors, find: 'ERR_INVALID_RESET_TOKEN: { status: 403,', replace: 'ERR_INVALID_RESET_TOKEN: { status: 401,' },
  { name: 'ERR_INVALID_RESET_TOKEN left unmapped: a 500', file: errors, find: "  ERR_INVALID_RESET_TOKEN: { status: 403, message: 'invalid reset token: unknown, already used, or issued for another email' },\n", replace: '' },
  { name: "a bad token answers the library's message", file: errors, find: "ERR_INVALID_RESET_TOKEN: { status: 403, message: 'invalid reset token: unknown, already used, or issued for another email' },", replace: 'ERR_INVALID_RESET_TOKEN: { status: 403 },' },
  { name: 'answers "password updated"', file: reset, find: "return { email, message: 'Password updated' };", replace: "return { email, message: 'password updated' };" },
  { name: 'echoes the email lower-cased', file: reset, find: "return { email, message: 'Password updated' };", replace: "return { email: email.toLowerCase(), message: 'Password updated' };" },
  { name: 'the email is not trimmed (trimEmail left out)', file: reset, find: '{ schema: { ...setPasswordDocs, body: setPasswordBody }, preValidation: trimEmail }', replace: '{ schema: { ...setPasswordDocs, body: setPasswordBody } }' },
  { name: 'new_password is a plain string (no 72-byte limit)', file: reset, find: 'new_password: Password })', replace: 'new_password: Type.String() })' },
  { name: 'reset_token is a plain string', file: reset, find: 'reset_token: ResetToken,', replace: 'reset_token: Type.String(),' },
  { name: 'the body schema forgets the email', file: reset, find: 'Type.Object({ email: Email, reset_token: ResetToken, new_password: Password })', replace: 'Type.Object({ email: Type.Optional(Email), reset_token: ResetToken, new_password: Password })' },
] satisfies WrongAnswer[];
