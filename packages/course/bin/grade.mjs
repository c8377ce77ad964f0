// Started directly by `pnpm grade` at the root (like `pnpm start`), so pnpm adds no
// lines of its own to the output; the course's loader compiles the TypeScript as it loads.
import '../src/loads/typescript.mjs';

await import('./grade.ts');
