import type { WrongAnswer } from '../src/wrong-answers.ts';

const file = 'packages/app/src/plugins/rate-limits.ts';

export default [
  {
    name: 'counts successful logins too (a busy user is locked out)',
    file,
    find: '      await Promise.all(attempt.keys.map((key) => counter.giveBack(key)));\n',
    replace: '',
  },
  {
    name: 'hands every attempt back, failures included (nothing is ever limited)',
    file,
    find: 'if (attempt === undefined || failures === undefined || reply.statusCode === failures.failure) return;',
    replace: 'if (attempt === undefined || failures === undefined) return;',
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
    find: "    .header('retry-after', String(wait))\n",
    replace: '',
  },
  {
    name: 'counts failures per account only (ten guesses from a stranger lock the owner out everywhere)',
    file,
    find: "per: 'account-address', message",
    replace: "per: 'account', message",
  },
  {
    name: 'keys the per-account limit of an address on the address alone (one account\'s failures stop the address for every account)',
    file,
    find: "per: 'account-address', message",
    replace: "per: 'address', message",
  },
  {
    name: 'keys IPv6 clients on the full address (a /64 holds a fresh address for every guess)',
    file,
    find: 'address: addressKey(request.ip)',
    replace: 'address: request.ip',
  },
  {
    name: 'a success does not clear the failures of its address (the owner who mistyped stays near the limit)',
    file,
    find: '      await Promise.all(cleared.map((limit) => counter.reset(limitKey(limit, attempt.client))));\n',
    replace: '',
  },
  {
    name: 'a success clears the address\'s own count too (an attacker logs into an account of its own between guesses)',
    file,
    find: ".filter((limit) => limit.per !== 'address')",
    replace: '',
  },
  {
    name: 'a success clears only the counts of its own kind (after a reset, the owner still cannot log in)',
    file,
    find: "[...failureLimits('login'), ...failureLimits('reset')]",
    replace: 'failureLimits(failures.what)',
  },
  {
    name: 'no ceiling per account (an attacker with many addresses guesses without end)',
    file,
    find: "      { name: `${what}-failures-per-account`, max: limits.loginFailuresPerAccount, windowMs: FIFTEEN_MINUTES, per: 'account', message: `too many failed ${what}s for this account` },\n",
    replace: '',
  },
] satisfies WrongAnswer[];
