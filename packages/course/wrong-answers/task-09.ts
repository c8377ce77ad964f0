import type { WrongAnswer } from '../src/wrong-answers.ts';

const tokens = 'packages/auth/src/tokens.ts';
const uuid = 'return randomUUID();';

export default [
  { name: 'always the same id', file: tokens, find: uuid, replace: "return '1b4e28ba-2fa1-4d2e-883f-0016d3cca427';" },
  {
    name: 'a v4-shaped id from Math.random, which is not a CSPRNG',
    file: tokens,
    find: uuid,
    replace:
      "void randomUUID;\n  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {\n    const r = Math.floor(Math.random() * 16);\n    return (c === 'x' ? r : (r % 4) + 8).toString(16);\n  });",
  },
  { name: 'a version 1 id', file: tokens, find: uuid, replace: "return randomUUID().replace(/^(.{14})4/, '$11');" },
  { name: 'upper-case hex', file: tokens, find: uuid, replace: 'return randomUUID().toUpperCase();' },
  { name: 'no dashes', file: tokens, find: uuid, replace: "return randomUUID().replaceAll('-', '');" },
  {
    name: 'random hex that is not a UUID',
    file: tokens,
    find: uuid,
    replace: "void randomUUID;\n  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(16))).toString('hex');",
  },
] satisfies WrongAnswer[];
