// `pnpm bench:course`: how long a learner waits, measured in a fresh workspace.
import '../src/loads/typescript.mjs';

await import('../bench/course.ts');
