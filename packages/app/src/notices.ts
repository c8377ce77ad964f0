/**
 * Mails that tell an account's owner what happened to it (production profile).
 * They hold no token and no link that does anything by itself: whoever reads
 * them can only learn, and act through the service's own pages.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Mail } from './plugins/mail.ts';

/** How the password was changed: with a reset token, or by a logged-in user who gave the current one. */
export type PasswordChange = 'reset' | 'change';

/**
 * Mails the owner of the account `email` finds (at the address it was
 * registered with, whatever spelling the request used) that its password was
 * just changed. The caller does not wait: the answer shows nothing of the mail
 * server. A failure is logged, with the error's code only.
 */
export function notifyPasswordChanged(app: FastifyInstance, request: FastifyRequest, email: string, how: PasswordChange): void {
  track(app, (async () => {
    try {
      const to = await app.auth.accountEmail(email);
      /* c8 ignore next - the password of this very account changed a moment ago; only its deletion since would leave nobody to tell */
      if (to === null) return;
      await app.mail.send(passwordChangedMail(to, how, app.mail.link('/try')));
      request.log.info({ how }, 'password-change mail sent');
    } catch (error) {
      request.log.error({ code: (error as { code?: unknown }).code, how }, 'password-change mail not sent');
    }
  })());
}

/**
 * The notices still being sent, by the app's mailer: one object for the app and
 * every plugin context in it (a route's `app` is a context of its own).
 */
const inFlight = new WeakMap<object, Set<Promise<void>>>();

function track(app: FastifyInstance, job: Promise<void>): void {
  const jobs = inFlight.get(app.mail) ?? new Set<Promise<void>>();
  inFlight.set(app.mail, jobs);
  jobs.add(job);
  void job.finally(() => jobs.delete(job));
}

/**
 * Resolves once every notice `app` has started so far is sent or has failed
 * (a failure is logged, never thrown). A test that asked for a change waits
 * on this, not on a clock, to know whether a notice is still to come.
 */
export async function noticesSettled(app: FastifyInstance): Promise<void> {
  const jobs = inFlight.get(app.mail);
  while (jobs !== undefined && jobs.size > 0) await Promise.all(jobs);
}

/** The mail: what happened, and what to do if the reader did not do it. */
export function passwordChangedMail(to: string, how: PasswordChange, resetPage: string): Mail {
  return {
    to,
    subject: 'Your hallpass password was changed',
    text: [
      how === 'reset'
        ? `The password of the hallpass account of ${to} was just changed with a password-reset link,`
        : `The password of the hallpass account of ${to} was just changed by someone logged in to it,`,
      how === 'reset' ? 'and every session of the account has ended.' : 'and every other session of the account has ended.',
      '',
      'If it was you, there is nothing to do.',
      '',
      'If it was not you, someone else can get into your account. Ask for a password',
      `reset now at ${resetPage}`,
      'with this address, choose a new password with the link you will get, and',
      'check that nobody else reads your mail.',
      '',
    ].join('\n'),
  };
}
