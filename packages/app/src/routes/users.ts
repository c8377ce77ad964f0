import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IssuedConfirmationToken } from '@hallpass/auth';
import { TaskNotDoneError } from '@hallpass/db';
import type { Mail } from '../plugins/mail.ts';
import { ConfirmationToken, Email, Password, badRequest, bodyTypes, errorResponse, trimEmail } from '../schemas.ts';

/** Given: what the OpenAPI document says about `POST /users`; the 200 schema also shapes the answer. The body schema is the route's own. */
const docs = {
  summary: 'Signs up: creates an account',
  tags: ['users'],
  consumes: bodyTypes,
  response: {
    200: Type.Union([Type.Object({ email: Type.String(), message: Type.String() }), Type.Object({ message: Type.String() })], {
      description:
        'Course profile: the account exists; `email` is the one sent, trimmed. Production profile: the same message for a new and a taken email; a new account is confirmed with the mailed token (POST /users/confirm), a taken email\'s owner gets a notice',
    }),
    400: errorResponse(`${badRequest}; or exactly {"message":"email already registered"} (course profile)`),
  },
};

/** Given: what the OpenAPI document says about `POST /users/confirm`; the body schema is the route's own. */
const confirmDocs = {
  summary: 'Confirms a production sign-up with the mailed token',
  tags: ['users'],
  consumes: bodyTypes,
  response: {
    200: Type.Object({ email: Type.String(), message: Type.String() }, { description: 'The account is confirmed and can log in; the token is used up' }),
    400: errorResponse(badRequest),
    403: errorResponse('The token is unknown, already used, or expired'),
  },
};

/** `POST /users`: sign up (the original's `users()` view), and `POST /users/confirm` (production sign-ups). */
const users: FastifyPluginAsyncTypebox = async (app) => {
  // #region task-07
  const body = Type.Object({ email: Email, password: Password });
  app.post('/users', { schema: { ...docs, body }, preValidation: trimEmail }, async (request) => {
    const { email, password } = request.body;
    // #region task-33
    // Production: the same work and the same answer for a new and a taken email; what differs goes by mail, after the answer.
    if (app.profile === 'production') {
      const issued = await app.auth.registerUnconfirmedUser(email, password);
      void mailSignUp(app, request, email, issued);
      return SIGN_UP_MAIL_SENT;
    }
    // #stub
    // // Every profile answers as the course does: 400 for a taken email, and an account that logs in at once.
    // #endregion
    await app.auth.registerUser(email, password);
    return { email, message: 'user created' };
  });
  // #stub
  // app.post('/users', async () => {
  //   throw new TaskNotDoneError(7, 'declare `POST /users` in src/routes/users.ts (body schema, registerUser, {"email": …, "message": "user created"}) and map ERR_USER_EXISTS in src/plugins/errors.ts');
  // });
  // #endregion

  // #region task-33
  const confirmBody = Type.Object({ confirmation_token: ConfirmationToken });
  app.post('/users/confirm', { schema: { ...confirmDocs, body: confirmBody } }, async (request) => {
    const email = await app.auth.confirmEmail(request.body.confirmation_token);
    return { email, message: 'email confirmed' };
  });
  // #stub
  // app.post('/users/confirm', async () => {
  //   throw new TaskNotDoneError(33, 'declare `POST /users/confirm` in src/routes/users.ts (confirmEmail, {"email": …, "message": "email confirmed"}) and map ERR_INVALID_CONFIRMATION_TOKEN in src/plugins/errors.ts');
  // });
  // #endregion
};

// #region task-33
/** The production profile's answer to every valid sign-up, whether or not the email was taken. */
const SIGN_UP_MAIL_SENT = { message: 'a mail has been sent to this address: follow it to finish signing up' };

/**
 * Mails the outcome of a production sign-up: the confirmation link to a new
 * account, a notice to the owner of a taken address. The route does not wait,
 * so the mail server shows in neither answer; a failure is logged with its code
 * only (a confirmation mail holds a token).
 */
async function mailSignUp(app: FastifyInstance, request: FastifyRequest, email: string, issued: IssuedConfirmationToken | null): Promise<void> {
  try {
    if (issued !== null) {
      await app.mail.send(confirmationMail(issued.email, issued.confirmationToken, app.mail.link(confirmationPage(issued.confirmationToken))));
      request.log.info('confirmation mail sent');
      return;
    }
    // The stored address: the owner's mailbox, whatever spelling the request used.
    const owner = await app.auth.accountEmail(email);
    /* c8 ignore next - the account that made the email taken a moment ago has been deleted since */
    if (owner === null) return;
    await app.mail.send(signUpAttemptMail(owner, app.mail.link('/try')));
    request.log.info('sign-up attempt mail sent');
  } catch (error) {
    request.log.error({ code: (error as { code?: unknown }).code }, 'sign-up mail not sent');
  }
}

/** The /try page with its confirmation form filled in; in the fragment, the token never reaches a server, its logs or a Referer. */
function confirmationPage(confirmationToken: string): string {
  return `/try#${new URLSearchParams({ confirmation_token: confirmationToken })}`;
}

/** The mail to a new account: the link and the token, and what happens if it is ignored. */
function confirmationMail(to: string, confirmationToken: string, link: string): Mail {
  return {
    to,
    subject: 'Confirm your hallpass account',
    text: [
      `Someone signed up for hallpass with ${to}.`,
      'If it was you, open this link to confirm the address; you can log in once it is confirmed:',
      '',
      link,
      '',
      `or send POST /users/confirm with this confirmation token: ${confirmationToken}`,
      '',
      'The token works once, and only for a limited time. If you did not sign up, ignore',
      'this mail: the account is never confirmed, and it is deleted when the token expires.',
      '',
    ].join('\n'),
  };
}

/** The mail to the owner of a taken address: someone tried, nothing changed, and where to reset a forgotten password. */
function signUpAttemptMail(to: string, resetPage: string): Mail {
  return {
    to,
    subject: 'Someone tried to sign up with your hallpass address',
    text: [
      `Someone tried to sign up for hallpass with ${to}, which already has an account.`,
      'Nothing was changed: your password and your sessions stay as they are.',
      '',
      'If it was you and you forgot your password, ask for a reset at',
      `${resetPage} (POST /reset_password) with this address.`,
      'If it was not you, there is nothing to do.',
      '',
    ].join('\n'),
  };
}
// #endregion

export default users;
