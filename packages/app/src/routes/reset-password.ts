import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TaskNotDoneError } from '@hallpass/db';
import { Email, Password, ResetToken, badRequest, bodyTypes, errorResponse, trimEmail } from '../schemas.ts';

const askForToken = {
  summary: 'Asks for a password-reset token',
  tags: ['password'],
  consumes: bodyTypes,
  body: Type.Object({ email: Email }),
  response: {
    200: Type.Object({ email: Type.String(), reset_token: Type.String() }, { description: 'The token to give PUT /reset_password' }),
    400: errorResponse(badRequest),
    403: errorResponse('No account uses this email'),
  },
};

const setPassword = {
  summary: 'Sets a new password with a reset token',
  tags: ['password'],
  consumes: bodyTypes,
  body: Type.Object({ email: Email, reset_token: ResetToken, new_password: Password }),
  response: {
    200: Type.Object({ email: Type.String(), message: Type.String() }, { description: 'The password is changed; the token is used up' }),
    400: errorResponse(badRequest),
    403: errorResponse('The token is unknown, used, or belongs to another email'),
  },
};

/** `POST /reset_password` and `PUT /reset_password` (the original's `get_reset_password_token()` and `update_password()`). */
const resetPassword: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/reset_password', { schema: askForToken, preValidation: trimEmail }, async (request) => {
    // #region task-17
    const { email } = request.body;
    const resetToken = await app.auth.getResetPasswordToken(email);
    return { email, reset_token: resetToken };
    // #stub
    // throw new TaskNotDoneError(17, 'make `POST /reset_password` answer {"email": …, "reset_token": …} from `app.auth.getResetPasswordToken`');
    // #endregion
  });

  app.put('/reset_password', { schema: setPassword, preValidation: trimEmail }, async (request) => {
    // #region task-19
    const { email, reset_token: resetToken, new_password: newPassword } = request.body;
    // Passing the email makes Auth refuse a token issued to another account (the original forgot to check).
    await app.auth.updatePassword(resetToken, newPassword, { email });
    return { email, message: 'Password updated' };
    // #stub
    // throw new TaskNotDoneError(19, 'make `PUT /reset_password` check the token belongs to the email, update the password and answer {"email": …, "message": "Password updated"}');
    // #endregion
  });
};

export default resetPassword;
