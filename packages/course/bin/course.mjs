// Started directly by `pnpm course` at the root (like `pnpm start`), so pnpm adds no
// lines of its own to the output; tsx compiles the TypeScript as it loads.
import { register } from 'tsx/esm/api';

register();
await import('./course.ts');
