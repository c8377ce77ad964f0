import type { WrongAnswer } from '../src/wrong-answers.ts';

const file = 'packages/app/src/routes/reset-password.ts';
const start = '      void mailResetToken(app, request, email);\n';
const send = '    await app.mail.send(resetMail(issued.email, issued.resetToken, app.mail.link(resetPage(issued.email, issued.resetToken))));\n';

export default [
  {
    name: 'awaits the delivery before answering (the answer waits for the mail server, and only for known emails)',
    file,
    find: start,
    replace: '      await mailResetToken(app, request, email);\n',
  },
  {
    name: 'says so when no account uses the email',
    file,
    find: start,
    replace: "      if ((await app.auth.issueResetToken(email)) === null) return { message: 'no account uses this email: nothing was sent' };\n" + start,
  },
  {
    name: 'still answers a known email with its token (the course answer), and the message only for an unknown one',
    file,
    find: start + '      return RESET_LINK_SENT;\n',
    replace: [
      '      const issued = await app.auth.issueResetToken(email);',
      '      if (issued === null) return RESET_LINK_SENT;',
      '      void app.mail.send(resetMail(issued.email, issued.resetToken, app.mail.link(resetPage(issued.email, issued.resetToken)))).catch(() => {});',
      '      return { email, reset_token: issued.resetToken };',
      '',
    ].join('\n'),
  },
  {
    name: 'checks that the account exists first (getResetPasswordToken: 403 for an unknown email)',
    file,
    find: start,
    replace: '      await app.auth.getResetPasswordToken(email);\n' + start,
  },
  {
    name: 'sends the mail from the route and lets its error through (500 when the mail server is down)',
    file,
    find: start,
    replace: [
      '      const issued = await app.auth.issueResetToken(email);',
      '      if (issued !== null) await app.mail.send(resetMail(issued.email, issued.resetToken, app.mail.link(resetPage(issued.email, issued.resetToken))));',
      '',
    ].join('\n'),
  },
  {
    name: 'catches nothing in the delivery (a mail server that is down ends the process with an unhandled rejection)',
    file,
    find: "  } catch (error) {\n    request.log.error({ code: (error as { code?: unknown }).code }, 'reset mail not sent');\n  }\n",
    replace: '  } finally {\n    // nothing to tidy up\n  }\n',
  },
  {
    name: 'mails the address as the request typed it, not as the account was registered',
    file,
    find: send,
    replace: '    await app.mail.send(resetMail(email, issued.resetToken, app.mail.link(resetPage(email, issued.resetToken))));\n',
  },
  {
    name: 'mails an address without an account too, to say so',
    file,
    find: '    if (issued === null) return;\n',
    replace: "    if (issued === null) {\n      await app.mail.send({ to: email, subject: 'Password reset', text: 'Someone asked for a reset, but no account uses this address.' });\n      return;\n    }\n",
  },
  {
    name: 'builds the link from the request\'s scheme and Host header',
    file,
    find: 'app.mail.link(resetPage(issued.email, issued.resetToken))',
    replace: '`${request.protocol}://${request.host}${resetPage(issued.email, issued.resetToken)}`',
  },
  {
    name: 'puts the token in the link\'s query string (access logs and Referer headers see it)',
    file,
    find: 'return `/try#${new URLSearchParams({ email, reset_token: resetToken })}`;',
    replace: 'return `/try?${new URLSearchParams({ email, reset_token: resetToken })}`;',
  },
  {
    name: 'logs the mail it sends, token and all',
    file,
    find: send,
    replace: [
      '    const mail = resetMail(issued.email, issued.resetToken, app.mail.link(resetPage(issued.email, issued.resetToken)));',
      "    request.log.info({ mail }, 'sending the reset mail');",
      '    await app.mail.send(mail);',
      '',
    ].join('\n'),
  },
  {
    name: 'logs the token when the mail fails, so support can pass it on',
    file,
    find: send,
    replace: [
      '    await app.mail.send(resetMail(issued.email, issued.resetToken, app.mail.link(resetPage(issued.email, issued.resetToken)))).catch((error: unknown) => {',
      "      request.log.error({ resetToken: issued.resetToken }, 'reset mail failed: give the user this token');",
      '      throw error;',
      '    });',
      '',
    ].join('\n'),
  },
  {
    name: 'answers as production in every profile (the course profile loses its token)',
    file,
    find: "    if (app.profile === 'production') {\n",
    replace: "    if (app.profile !== undefined) {\n",
  },
  // The notice of a changed password.
  {
    name: 'tells nobody when a reset changes the password',
    file,
    find: "    if (app.profile === 'production') notifyPasswordChanged(app, request, email, 'reset');\n",
    replace: '',
  },
  {
    name: 'tells nobody when PUT /password changes the password',
    file: 'packages/app/src/routes/password.ts',
    find: "    if (app.profile === 'production') notifyPasswordChanged(app, request, user.email, 'change');\n",
    replace: '',
  },
  {
    name: 'sends the notice before the reset is known to have worked (a wrong token mails the owner too)',
    file,
    find: '    await app.auth.updatePassword(resetToken, newPassword, { email });\n',
    replace: "    if (app.profile === 'production') notifyPasswordChanged(app, request, email, 'reset');\n    await app.auth.updatePassword(resetToken, newPassword, { email });\n",
  },
  {
    name: 'sends the notice in the course profile too',
    file,
    find: "    if (app.profile === 'production') notifyPasswordChanged(app, request, email, 'reset');\n",
    replace: "    notifyPasswordChanged(app, request, email, 'reset');\n",
  },
] satisfies WrongAnswer[];
