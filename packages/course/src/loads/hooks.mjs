// Module hooks (they run on their own thread, see register.mjs): append each resolved
// file URL to `loaded`, and keep the code each module outside node_modules runs as.
import { createHash } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

let dir;

export function initialize(data) {
  dir = data?.dir;
}

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (dir !== undefined && result.url.startsWith('file:')) appendFileSync(join(dir, 'loaded'), `${result.url}\n`);
  return result;
}

export async function load(url, context, next) {
  const result = await next(url, context);
  if (dir !== undefined && url.startsWith('file:') && !url.includes('/node_modules/') && result.source !== null && result.source !== undefined) {
    const code = typeof result.source === 'string' ? result.source : Buffer.from(result.source).toString('utf8');
    const name = createHash('sha256').update(url).digest('hex').slice(0, 32);
    writeFileSync(join(dir, `code-${name}.json`), JSON.stringify({ url, format: result.format, code }));
  }
  return result;
}
