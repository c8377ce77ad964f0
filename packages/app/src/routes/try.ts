import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsync } from 'fastify';

export interface TryPageOptions {
  /** Which profile the service runs in; the page says it, and nothing else of the configuration reaches it. */
  profile: 'course' | 'production';
}

/** The page's own files: plain HTML, CSS and one ES module, served as they are (no build step). */
const folder = new URL('../try/', import.meta.url);

const files = [
  ['try.js', 'text/javascript; charset=utf-8'],
  ['try.css', 'text/css; charset=utf-8'],
] as const;

/** Not part of the API: the routes stay out of the OpenAPI document. */
const hidden = { schema: { hide: true } };

/**
 * `GET /try`: a page where a person walks the whole flow in a browser and reads
 * every request and answer. The HTML is read once at start-up with the profile
 * written in; the script and the style sheet are separate files, so the page
 * needs no inline code and works under `Content-Security-Policy: default-src 'self'`.
 */
const tryPage: FastifyPluginAsync<TryPageOptions> = async (app, { profile }) => {
  const html = (await readFile(new URL('index.html', folder), 'utf8')).replaceAll('{{profile}}', profile);
  app.get('/try', hidden, async (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
  app.get('/try/', hidden, async (_request, reply) => reply.redirect('/try', 301));
  for (const [name, type] of files) {
    const body = await readFile(new URL(name, folder), 'utf8');
    app.get(`/try/${name}`, hidden, async (_request, reply) => reply.type(type).send(body));
  }
};

export default tryPage;
