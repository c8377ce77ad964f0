import fp from 'fastify-plugin';
import type { SMTPTransportOptions } from 'nodemailer';
import { HallpassError, redact } from '@hallpass/db';
import { isLocalHost } from '../config.ts';

export interface MailPluginOptions {
  /** The mail server (`SMTP_URL`): `smtp://` or `smtps://`, with user and password when it asks for them. */
  smtpUrl?: string | undefined;
  /** The sender of every mail (`MAIL_FROM`). */
  from?: string | undefined;
  /** Where links in mails point (`PUBLIC_ORIGIN`). */
  publicOrigin?: string | undefined;
}

/** One plain-text mail. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** What `app.mail` offers the routes. */
export interface Mailer {
  /**
   * `path` on the origin browsers reach the service at (`PUBLIC_ORIGIN`), for a
   * link in a mail. Never built from the request: its Host header is whatever
   * the client chose to send. `MailNotConfiguredError` without a public origin.
   */
  link(path: string): string;
  /**
   * Sends `mail` from `MAIL_FROM` through the SMTP server; resolves once the
   * server has taken it. Rejects with `MailNotConfiguredError` when a setting is
   * missing, or with nodemailer's error (a `code` such as `ECONNECTION`) when the
   * server cannot be reached or refuses the mail.
   */
  send(mail: Mail): Promise<void>;
}

/** A mail cannot go out because settings are missing; the message names them. */
export class MailNotConfiguredError extends HallpassError {
  constructor(missing: readonly string[]) {
    super('ERR_MAIL_NOT_CONFIGURED', `mail is not configured: ${missing.join(', ')} not set`);
  }
}

/**
 * nodemailer's options for an `SMTP_URL`. `smtps://` is TLS from the first
 * byte (port 465 by default); `smtp://` (port 587) upgrades with STARTTLS, which
 * is required for any server off this machine: the mails carry reset tokens.
 * Timeouts are short enough that a dead server costs seconds, not minutes.
 */
export function smtpOptions(smtpUrl: string): SMTPTransportOptions {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
    secure,
    requireTLS: !secure && !isLocalHost(host),
    ...(url.username === '' ? {} : { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    // Mails here are plain text built by the service: no attachment may read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/**
 * Decorates the instance with `mail`: links on the public origin and mails
 * over SMTP. Mails still being sent when the service stops are finished before
 * the transport closes.
 */
export default fp<MailPluginOptions>(
  async (app, options) => {
    const { smtpUrl, from, publicOrigin } = options;
    // nodemailer is loaded only where mail is configured: a service (or a test) that sends none skips its 50 modules.
    const transport = smtpUrl === undefined ? undefined : (await import('nodemailer')).createTransport(smtpOptions(smtpUrl));
    const missing = [smtpUrl === undefined && 'SMTP_URL', from === undefined && 'MAIL_FROM'].filter((name) => name !== false);
    if (smtpUrl !== undefined) app.log.info({ smtp: redact(smtpUrl), from }, 'mail goes through this SMTP server');
    const inFlight = new Set<Promise<unknown>>();

    const mailer: Mailer = {
      link(path) {
        if (publicOrigin === undefined) throw new MailNotConfiguredError(['PUBLIC_ORIGIN']);
        return `${publicOrigin}${path}`;
      },
      async send(mail) {
        if (transport === undefined || from === undefined) throw new MailNotConfiguredError(missing);
        const sending = transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
        inFlight.add(sending);
        const settled = () => inFlight.delete(sending);
        sending.then(settled, settled);
        await sending;
      },
    };
    app.decorate('mail', mailer);
    app.addHook('onClose', async () => {
      await Promise.allSettled(inFlight);
      transport?.close();
    });
  },
  { name: 'hallpass-mail', fastify: '5.x' },
);

declare module 'fastify' {
  interface FastifyInstance {
    mail: Mailer;
  }
}
