import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TaskNotDoneError } from '@hallpass/db';
import { Email, Password, ResetToken, badRequest, bodyTypes, errorResponse, trimEmail } from '../schemas.ts';

/** Given: what the OpenAPI document says about `POST /reset_password`; the body schema is the route's own. */
const askForTokenDocs = {
  summary: 'Asks for a password-reset token',
  tags: ['password'],
  consumes: bodyTypes,
  response: {
    200: Type.Object({ email: Type.String(), reset_token: Type.String() }, { description: 'The token to give PUT /reset_password' }),
    400: errorResponse(badRequest),
    403: errorResponse('No account uses this email'),
  },
};

/** Given: what the OpenAPI document says about `PUT /reset_password`; the body schema is the route's own. */
const setPasswordDocs = {
  summary: 'Sets a new password with a reset token',
  tags: ['password'],
  consumes: bodyTypes,
  response: {
    200: Type.Object({ email: Type.String(), message: Type.String() }, { description: 'The password is changed; the token is used up' }),
    400: errorResponse(badRequest),
    403: errorResponse('The token is unknown, used, or belongs to another email'),
  },
};

/** `POST /reset_password` and `PUT /reset_password` (the original's `get_reset_password_token()` and `update_password()`). */
const resetPassword: FastifyPluginAsyncTypebox = async (app) => {
  // #region task-17
  const askForTokenBody = Type.Object({ email: Email });
  app.post('/reset_password', { schema: { ...askForTokenDocs, body: askForTokenBody }, preValidation: trimEmail }, async (request) => {
    const { email } = request.body;
    const resetToken = await app.auth.getResetPasswordToken(email);
    return { email, reset_token: resetToken };
  });
  // #stub
  // app.post('/reset_password', async () => {
  //   throw new TaskNotDoneError(17, 'declare `POST /reset_password` in src/routes/reset-password.ts ({"email": …, "reset_token": …}) and map ERR_UNKNOWN_EMAIL in src/plugins/errors.ts');
  // });
  // #endregion

  // #region task-19
  const setPasswordBody = Type.Object({ email: Email, reset_token: ResetToken, new_password: Password });
  app.put('/reset_password', { schema: { ...setPasswordDocs, body: setPasswordBody }, preValidation: trimEmail }, async (request) => {
    const { email, reset_token: resetToken, new_password: newPassword } = request.body;
    // Passing the email makes Auth refuse a token issued to another account (the original forgot to check).
    await app.auth.updatePassword(resetToken, newPassword, { email });
    return { email, message: 'Password updated' };
  });
  // #stub
  // app.put('/reset_password', async () => {
  //   throw new TaskNotDoneError(19, 'declare `PUT /reset_password` in src/routes/reset-password.ts (the token must be the email\'s; {"email": …, "message": "Password updated"}) and map ERR_INVALID_RESET_TOKEN in src/plugins/errors.ts');
  // });
  // #endregion
};

export default resetPassword;
