/**
 * `pnpm e2e [baseUrl]`: runs the end-to-end client against a running server
 * (http://127.0.0.1:5000 by default, where `pnpm start` listens) and prints one
 * line per step. Exit status 0 when every step passed, 1 at the first failure,
 * 2 when the argument is not an http(s) URL.
 */
import { runE2E } from './e2e.ts';

/* c8 ignore next - the default would reach a developer's own server; tests always pass a URL */
const baseUrl = process.argv[2] ?? 'http://127.0.0.1:5000';
if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
  console.error(`usage: pnpm e2e [baseUrl]; "${baseUrl}" is not an http:// or https:// URL`);
  process.exit(2);
}

console.log(`end-to-end walk against ${baseUrl}`);
const result = await runE2E(baseUrl, {
  report: (step, index, total) => {
    console.log(`${step.ok ? 'ok  ' : 'FAIL'} ${index + 1}/${total} ${step.name}: ${step.detail}`);
  },
});
if (result.ok) {
  console.log(`all ${result.steps.length} steps passed (account ${result.email})`);
} else {
  console.log(`stopped at the first failure (account ${result.email})`);
  process.exitCode = 1;
}
