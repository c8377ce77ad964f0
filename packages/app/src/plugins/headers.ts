import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';

export interface HeadersPluginOptions {
  /** `production` also asks browsers to upgrade every sub-request to HTTPS. */
  profile?: 'course' | 'production' | undefined;
}

/**
 * Response hygiene. Answers that carry a token or depend on a session must not be
 * kept by a browser or a shared cache (`Cache-Control: no-store`), and the usual
 * security headers (`@fastify/helmet`) tell browsers to refuse framing, MIME
 * sniffing and any script, style or connection that is not the service's own.
 */
export default fp<HeadersPluginOptions>(
  async (app, options) => {
    // #region task-28
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        // Only same-origin files: the /docs page (swagger-ui) and the /try page load scripts and styles from this service, none inline.
        directives: {
          defaultSrc: ["'self'"],
          baseUri: ["'none'"],
          connectSrc: ["'self'"],
          fontSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          imgSrc: ["'self'", 'data:'],
          objectSrc: ["'none'"],
          scriptSrc: ["'self'"],
          scriptSrcAttr: ["'none'"],
          styleSrc: ["'self'"],
          // Over plain HTTP (the course's 127.0.0.1:5000) an upgrade would break every sub-request.
          ...(options.profile === 'production' ? { upgradeInsecureRequests: [] } : {}),
        },
      },
    });
    app.addHook('onSend', async (request, reply) => {
      // The API's answers hold tokens, session-bound data or errors about them: never stored. The /docs page's files may be.
      if (!request.url.startsWith('/docs')) reply.header('cache-control', 'no-store');
    });
    // #stub
    // // No security headers: answers may be cached, framed and sniffed.
    // #endregion
  },
  { name: 'hallpass-headers', fastify: '5.x' },
);
