import type { WrongAnswer } from '../src/wrong-answers.ts';

const reset = 'packages/app/src/routes/reset-password.ts';
const errors = 'packages/app/src/plugins/errors.ts';

export default [
  { name: 'an unknown email is a 404', file: errors, find: 'ERR_UNKNOWN_EMAIL: { status: 403,', replace: 'ERR_UNKNOWN_EMAIL: { status: 404,' },
  { name: 'an unknown email is a 400', file: errors, find: 'ERR_UNKNOWN_EMAIL: { status: 403,', replace: 'ERR_UNKNOWN_EMAIL: { status: 400,' },
  { name: "an unknown email answers the library's message", file: errors, find: "ERR_UNKNOWN_EMAIL: { status: 403, message: 'no account uses this email' },", replace: 'ERR_UNKNOWN_EMAIL: { status: 403 },' },
  { name: 'ERR_UNKNOWN_EMAIL left unmapped: a 500', file: errors, find: "  ERR_UNKNOWN_EMAIL: { status: 403, message: 'no account uses this email' },\n", replace: '' },
  { name: 'an unknown email answers 200 with an empty token', file: reset, find: 'const resetToken = await app.auth.getResetPasswordToken(email);', replace: "const resetToken = await app.auth.getResetPasswordToken(email).catch(() => '');" },
  { name: 'the token under another key', file: reset, find: 'return { email, reset_token: resetToken };', replace: 'return { email, token: resetToken } as unknown as { email: string; reset_token: string };' },
  { name: 'a token made up in the route, never stored', file: reset, find: 'const resetToken = await app.auth.getResetPasswordToken(email);', replace: 'const resetToken = crypto.randomUUID();' },
  { name: 'echoes the email lower-cased', file: reset, find: 'return { email, reset_token: resetToken };', replace: 'return { email: email.toLowerCase(), reset_token: resetToken };' },
  { name: 'the email is not trimmed (trimEmail left out)', file: reset, find: '{ schema: { ...askForTokenDocs, body: askForTokenBody }, preValidation: trimEmail }', replace: '{ schema: { ...askForTokenDocs, body: askForTokenBody } }' },
  { name: 'a plain string instead of the Email schema', file: reset, find: 'Type.Object({ email: Email })', replace: 'Type.Object({ email: Type.String() })' },
] satisfies WrongAnswer[];
