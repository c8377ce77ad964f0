import type { WrongAnswer } from '../src/wrong-answers.ts';

const file = 'packages/app/src/plugins/rate-limits.ts';

export default [
  {
    name: 'counts successful logins too (a busy user is locked out)',
    file,
    find: 'await Promise.all(keys.map((key) => counter.giveBack(key)));',
    replace: 'return;',
  },
  {
    name: 'hands every attempt back, failures included (nothing is ever limited)',
    file,
    find: 'if (keys === undefined || reply.statusCode === onFailure.get(`${request.method} ${request.routeOptions.url}`)?.failure) return;',
    replace: 'if (keys === undefined) return;',
  },
  {
    name: 'refuses at the limit instead of over it (one attempt too few)',
    file,
    find: 'if (count > limit.max) return tooMany(request, reply, limit, ttlMs);',
    replace: 'if (count >= limit.max) return tooMany(request, reply, limit, ttlMs);',
  },
  {
    name: 'keys the account by the email as typed (another letter case starts a fresh count)',
    file,
    find: "return typeof email === 'string' ? email.normalize('NFKC').trim().toLowerCase() : '';",
    replace: "return typeof email === 'string' ? email : '';",
  },
  {
    name: 'answers 429 without Retry-After',
    file,
    find: "    .header('retry-after', String(seconds))\n",
    replace: '',
  },
] satisfies WrongAnswer[];
