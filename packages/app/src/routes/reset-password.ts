import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TaskNotDoneError } from '@hallpass/db';
import { notifyPasswordChanged } from '../notices.ts';
import type { Mail } from '../plugins/mail.ts';
import { Email, Password, ResetToken, badRequest, bodyTypes, errorResponse, trimEmail } from '../schemas.ts';

/** Given: what the OpenAPI document says about `POST /reset_password`; the body schema is the route's own. */
const askForTokenDocs = {
  summary: 'Asks for a password-reset token',
  tags: ['password'],
  consumes: bodyTypes,
  response: {
    200: Type.Union([Type.Object({ email: Type.String(), reset_token: Type.String() }), Type.Object({ message: Type.String() })], {
      description: 'Course profile: the token to give PUT /reset_password. Production profile: the same message for every email, and the token by mail',
    }),
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
    // #region task-31
    // Production: one answer for every email, sent without waiting for anything that depends on the account.
    if (app.profile === 'production') {
      void mailResetToken(app, request, email);
      return RESET_LINK_SENT;
    }
    // #stub
    // // Every profile answers as the course does: the token in the body, and 403 for an unknown email.
    // #endregion
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
    // #region task-31
    // Production: the owner hears of it, whoever used the token; the answer does not wait for the mail.
    if (app.profile === 'production') notifyPasswordChanged(app, request, email, 'reset');
    // #endregion
    return { email, message: 'Password updated' };
  });
  // #stub
  // app.put('/reset_password', async () => {
  //   throw new TaskNotDoneError(19, 'declare `PUT /reset_password` in src/routes/reset-password.ts (the token must be the email\'s; {"email": …, "message": "Password updated"}) and map ERR_INVALID_RESET_TOKEN in src/plugins/errors.ts');
  // });
  // #endregion
};

// #region task-31
/** The production profile's answer to every reset request, whether or not an account uses the email. */
const RESET_LINK_SENT = { message: 'if an account uses this email, a password-reset link has been sent to it' };

/**
 * Issues a reset token and mails it to the account's own address. The route
 * does not wait for it, so neither the mail server nor the account's existence
 * shows in the answer; a failure is logged, without the mail, which holds the token.
 */
async function mailResetToken(app: FastifyInstance, request: FastifyRequest, email: string): Promise<void> {
  try {
    const issued = await app.auth.issueResetToken(email);
    if (issued === null) return;
    // The stored address, not the typed one: a look-alike the database matched is not the owner's mailbox.
    await app.mail.send(resetMail(issued.email, issued.resetToken, app.mail.link(resetPage(issued.email, issued.resetToken))));
    request.log.info('reset mail sent');
  } catch (error) {
    request.log.error({ code: (error as { code?: unknown }).code }, 'reset mail not sent');
  }
}

/** The /try page with its reset form filled in. In the fragment, the token never reaches a server, its logs or a Referer. */
function resetPage(email: string, resetToken: string): string {
  return `/try#${new URLSearchParams({ email, reset_token: resetToken })}`;
}

/** The mail: who asked is unknown, so it says what to do if it was not the reader. */
function resetMail(to: string, resetToken: string, link: string): Mail {
  return {
    to,
    subject: 'Reset your hallpass password',
    text: [
      `Someone asked to reset the password of the hallpass account of ${to}.`,
      'If it was you, open this link to choose a new one:',
      '',
      link,
      '',
      `or send PUT /reset_password with this reset token: ${resetToken}`,
      '',
      'The token works once, and only for a short while. If you did not ask, ignore',
      'this mail: your password stays as it is.',
      '',
    ].join('\n'),
  };
}
// #endregion

export default resetPassword;
