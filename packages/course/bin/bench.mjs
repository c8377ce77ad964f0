// `pnpm bench:course`: how long a learner waits, measured in a fresh workspace.
import { register } from 'tsx/esm/api';

register();
await import('../bench/course.ts');
