import type { WrongAnswer } from '../src/wrong-answers.ts';

const policy = 'packages/auth/src/password-policy.ts';
const auth = 'packages/auth/src/auth.ts';
const route = 'packages/app/src/routes/password.ts';

export default [
  // The rule itself.
  {
    name: 'counts bytes, not characters (14 Japanese characters pass as 42)',
    file: policy,
    find: 'if ([...text].length < MIN_PASSWORD_LENGTH)',
    replace: 'if (Buffer.byteLength(text) < MIN_PASSWORD_LENGTH)',
  },
  {
    name: 'counts UTF-16 units with .length (8 emoji pass as 16)',
    file: policy,
    find: 'if ([...text].length < MIN_PASSWORD_LENGTH)',
    replace: 'if (text.length < MIN_PASSWORD_LENGTH)',
  },
  {
    name: 'checks the password as typed, without NFC (combining accents count twice, a decomposed listed password is new)',
    file: policy,
    find: "const text = password.normalize('NFC');",
    replace: 'const text = password;',
  },
  {
    name: 'normalises to NFD instead of NFC (every accent becomes a character of its own)',
    file: policy,
    find: "const text = password.normalize('NFC');",
    replace: "const text = password.normalize('NFD');",
  },
  {
    name: 'refuses 15 characters too (<= instead of <)',
    file: policy,
    find: 'if ([...text].length < MIN_PASSWORD_LENGTH)',
    replace: 'if ([...text].length <= MIN_PASSWORD_LENGTH)',
  },
  {
    name: 'looks the password up in the blocklist in the case it was typed',
    file: policy,
    find: 'if (commonPasswords.has(folded))',
    replace: 'if (commonPasswords.has(text))',
  },
  {
    name: 'looks for context words in the case the password was typed',
    file: policy,
    find: 'some((word) => folded.includes(word))',
    replace: 'some((word) => text.includes(word))',
  },
  {
    name: 'leaves the context words out',
    file: policy,
    find: "  if (contextWords(context).some((word) => folded.includes(word))) throw new WeakPasswordError('context');\n",
    replace: '',
  },
  // Where it applies.
  {
    name: 'applies the policy in the course profile too (the contract\'s 5-character passwords are refused)',
    file: auth,
    find: 'this.#checkNewPassword(password, email);\n    // Sign-ups of one address take turns',
    replace: 'checkPasswordStrength(password, { email });\n    // Sign-ups of one address take turns',
  },
  {
    name: 'forgets the reset route: PUT /reset_password takes any password',
    file: auth,
    find: '    // Before the token is looked at: a refused password spends nothing.\n    this.#checkNewPassword(password, email);\n',
    replace: '',
  },
  {
    name: 'checks the reset\'s new password after the token is spent (the refusal comes too late: the password has changed)',
    file: auth,
    find: `    // Before the token is looked at: a refused password spends nothing.
    this.#checkNewPassword(password, email);
    // Not a token we issue: refused before any query. Otherwise it is looked up by its digest, as stored.
    if (!isWellFormedToken(resetToken)) throw new InvalidResetTokenError();
    // One conditional UPDATE checks the token and spends it: of two uses at the same instant, one wins.
    // The same write ends the user's session, so whoever stole it loses it with the old password.
    const hashedPassword = await hashPassword(password, { cost: this.#bcryptCost });
    const issuedAfter = new Date(this.#clock().getTime() - this.#resetTokenLifetime * 1000);
    const userId = await this.#db.consumeResetToken(hashToken(resetToken), hashedPassword, { issuedAfter, email });
    if (userId === null) throw new InvalidResetTokenError();
`,
    replace: `    if (!isWellFormedToken(resetToken)) throw new InvalidResetTokenError();
    const hashedPassword = await hashPassword(password, { cost: this.#bcryptCost });
    const issuedAfter = new Date(this.#clock().getTime() - this.#resetTokenLifetime * 1000);
    const userId = await this.#db.consumeResetToken(hashToken(resetToken), hashedPassword, { issuedAfter, email });
    if (userId === null) throw new InvalidResetTokenError();
    this.#checkNewPassword(password, email);
`,
  },
  // Auth.changePassword.
  {
    name: 'changes the password without checking the current one (a stolen cookie is enough)',
    file: auth,
    find: '    const matches = user === null ? await this.validLogin(email, currentPassword) : await verifyPassword(currentPassword, user.hashedPassword);\n    if (user === null || !matches) throw new WrongPasswordError();\n',
    replace: '    if (user === null) throw new WrongPasswordError();\n',
  },
  {
    name: 'stores the new password with a plain updateUser: of several changes sent at once, every one answers 200',
    file: auth,
    find: '    const changed = await this.#db.updateUserIf(user.id, { hashedPassword: user.hashedPassword }, {\n',
    replace: '    const changed = true;\n    await this.#db.updateUser(user.id, {\n',
  },
  {
    name: 'ignores what the conditional write says: the changes that lost the race answer 200 too',
    file: auth,
    find: '    if (!changed) throw new WrongPasswordError();\n',
    replace: '',
  },
  {
    name: 'changes the password but keeps the sessions',
    file: auth,
    find: '      hashedPassword,\n      sessionId: null,\n      sessionCreatedAt: null,\n      sessionSeenAt: null,\n',
    replace: '      hashedPassword,\n',
  },
  {
    name: 'changes the password but leaves a pending reset token usable',
    file: auth,
    find: '      resetToken: null,\n      resetCreatedAt: null,\n    });',
    replace: '    });',
  },
  {
    name: 'a change skips the password policy',
    file: auth,
    find: '    this.#checkNewPassword(newPassword, email);\n',
    replace: '',
  },
  // The route, its status codes, its limit and its audit lines.
  {
    name: 'sets no new cookie: the user is logged out by their own change',
    file: route,
    find: '    const sessionId = await app.auth.createSession(user.email);\n    if (sessionId !== null) reply.setCookie(SESSION_COOKIE, sessionId, sessionCookieOptions);\n',
    replace: '    void reply;\n',
  },
  {
    name: 'makes the new session before the change, which ends it at once',
    file: route,
    find: '    await app.auth.changePassword(user.email, currentPassword, newPassword);\n    // The change ended every session, this client\'s too: it gets a new one, made after the change.\n    const sessionId = await app.auth.createSession(user.email);\n',
    replace: '    const sessionId = await app.auth.createSession(user.email);\n    await app.auth.changePassword(user.email, currentPassword, newPassword);\n',
  },
  {
    name: 'answers 403 for a wrong current password (and the failed-login limit, which counts 401s, never counts it)',
    file: 'packages/app/src/plugins/errors.ts',
    find: 'ERR_WRONG_PASSWORD: { status: 401 },',
    replace: 'ERR_WRONG_PASSWORD: { status: 403 },',
  },
  {
    name: 'does not map ERR_WEAK_PASSWORD: a refused password is a 500',
    file: 'packages/app/src/plugins/errors.ts',
    find: '  ERR_WEAK_PASSWORD: { status: 400 },\n',
    replace: '',
  },
  {
    name: 'wrong current passwords are not counted: a stolen session guesses on without limit',
    file: 'packages/app/src/plugins/rate-limits.ts',
    find: "  ['PUT /password', { what: 'login', failure: 401, account: sessionAccountKey }],\n",
    replace: '',
  },
  {
    name: 'counts wrong current passwords under the email of the body, which PUT /password does not have',
    file: 'packages/app/src/plugins/rate-limits.ts',
    find: 'account: sessionAccountKey }',
    replace: 'account: accountKey }',
  },
  {
    name: 'logs no password.changed line',
    file: 'packages/app/src/plugins/audit.ts',
    find: "  'PUT /password 200': 'password.changed',\n",
    replace: '',
  },
  {
    name: 'looks the password change\'s user up by the body\'s email, after the session is gone (userId null)',
    file: 'packages/app/src/plugins/audit.ts',
    find: "  'DELETE /sessions',\n  'PUT /password',\n",
    replace: "  'DELETE /sessions',\n",
  },
] satisfies WrongAnswer[];
