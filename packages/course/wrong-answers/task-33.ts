import type { WrongAnswer } from '../src/wrong-answers.ts';

const file = 'packages/app/src/routes/users.ts';
const register = '      const issued = await app.auth.registerUnconfirmedUser(email, password);\n';
const start = '      void mailSignUp(app, request, email, issued);\n';
const confirmationSend = '      await app.mail.send(confirmationMail(issued.email, issued.confirmationToken, app.mail.link(confirmationPage(issued.confirmationToken))));\n';
const attemptSend = "    await app.mail.send(signUpAttemptMail(owner, app.mail.link('/try')));\n";

export default [
  {
    name: 'awaits the mail before answering (the answer waits for the mail server)',
    file,
    find: start,
    replace: '      await mailSignUp(app, request, email, issued);\n',
  },
  {
    name: 'says so when the email is taken',
    file,
    find: start,
    replace: "      if (issued === null) return { message: 'this email already has an account: its owner has been told' };\n" + start,
  },
  {
    name: 'keeps the course answer for a new email, and the message only for a taken one',
    file,
    find: start + '      return SIGN_UP_MAIL_SENT;\n',
    replace: start + "      return issued === null ? SIGN_UP_MAIL_SENT : { email, message: 'user created' };\n",
  },
  {
    name: 'looks the email up first and skips the hash for a taken one (a taken email is answered sooner)',
    file,
    find: register,
    replace: [
      '      if ((await app.auth.accountEmail(email)) !== null) {',
      '        void mailSignUp(app, request, email, null);',
      '        return SIGN_UP_MAIL_SENT;',
      '      }',
      register,
    ].join('\n'),
  },
  {
    name: 'signs up with registerUser: a taken email is still a 400, and a new account logs in at once',
    file,
    find: register,
    replace: '      await app.auth.registerUser(email, password);\n      const issued = null;\n',
  },
  {
    name: 'answers as production in every profile (the course profile loses its 400)',
    file,
    find: "    if (app.profile === 'production') {\n      const issued",
    replace: "    if (app.profile !== undefined) {\n      const issued",
  },
  {
    name: 'lets an unconfirmed account log in',
    file: 'packages/auth/src/auth.ts',
    find: '    if (user.confirmationToken !== null) return false;\n',
    replace: '',
  },
  {
    name: 'refuses a login before confirmation with a message of its own',
    file: 'packages/auth/src/auth.ts',
    find: '    if (user.confirmationToken !== null) return false;\n',
    replace: "    if (user.confirmationToken !== null) throw new InvalidArgumentError('confirm your email first: follow the link in the mail we sent');\n",
  },
  {
    name: 'mails the owner of a taken address at the address as typed',
    file,
    find: attemptSend,
    replace: "    await app.mail.send(signUpAttemptMail(email, app.mail.link('/try')));\n",
  },
  {
    name: 'mails nothing to the owner of a taken address',
    file,
    find: attemptSend,
    replace: '',
  },
  {
    name: 'builds the confirmation link from the request\'s scheme and Host header',
    file,
    find: 'app.mail.link(confirmationPage(issued.confirmationToken))',
    replace: '`${request.protocol}://${request.host}${confirmationPage(issued.confirmationToken)}`',
  },
  {
    name: 'puts the token in the link\'s query string (access logs and Referer headers see it)',
    file,
    find: 'return `/try#${new URLSearchParams({ confirmation_token: confirmationToken })}`;',
    replace: 'return `/try?${new URLSearchParams({ confirmation_token: confirmationToken })}`;',
  },
  {
    name: 'logs the confirmation mail it sends, token and all',
    file,
    find: confirmationSend,
    replace: [
      '      const mail = confirmationMail(issued.email, issued.confirmationToken, app.mail.link(confirmationPage(issued.confirmationToken)));',
      "      request.log.info({ mail }, 'sending the confirmation mail');",
      '      await app.mail.send(mail);',
      '',
    ].join('\n'),
  },
  {
    name: 'catches nothing in the delivery (a mail server that is down ends the process with an unhandled rejection)',
    file,
    find: "  } catch (error) {\n    request.log.error({ code: (error as { code?: unknown }).code }, 'sign-up mail not sent');\n  }\n",
    replace: '  } finally {\n    // nothing to tidy up\n  }\n',
  },
  {
    name: 'answers a bad confirmation token with 400',
    file: 'packages/app/src/plugins/errors.ts',
    find: "  ERR_INVALID_CONFIRMATION_TOKEN: { status: 403, message: 'invalid confirmation token: unknown, already used, or expired' },\n",
    replace: "  ERR_INVALID_CONFIRMATION_TOKEN: { status: 400, message: 'invalid confirmation token: unknown, already used, or expired' },\n",
  },
] satisfies WrongAnswer[];
