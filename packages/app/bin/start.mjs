// Runs the TypeScript server without a build step: tsx compiles it as it loads.
// Started directly by `pnpm start` at the root, so only one process sits
// between the terminal and the server, and Ctrl-C reaches it.
import { register } from 'tsx/esm/api';

register();
await import('../src/server.ts');
