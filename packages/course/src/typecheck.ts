/**
 * Type-checks a tree again and again as it changes, without a `tsc` process per
 * check: a worker thread holds the TypeScript program between checks (see
 * typecheck/worker.mjs). A new `tsc` parses every declaration file it needs
 * (the standard library, @types/node, fastify's and typebox's types) before it
 * looks at the code; kept in memory, they are parsed once per `course check`,
 * and each later check re-checks only the files a change can affect.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

type Reply = { lines: string[] } | { error: string };

export class TypeChecker {
  readonly #worker: Worker;
  #pending: ((reply: Reply) => void) | null = null;
  /** Why the worker stopped, once it has: every later check gives this. */
  #failure: string | null = null;

  /** Starts a checker for the tree in `dir`, with the TypeScript installed in it. */
  constructor(dir: string) {
    this.#worker = new Worker(new URL('./typecheck/worker.mjs', import.meta.url), { workerData: { dir } });
    this.#worker.on('message', (reply: Reply) => this.#settle(reply));
    this.#worker.on('error', (error) => {
      this.#failure = String(error);
      this.#settle({ error: this.#failure });
    });
  }

  #settle(reply: Reply): void {
    const pending = this.#pending;
    this.#pending = null;
    pending?.(reply);
  }

  /**
   * What `tsc -p tsconfig.json --pretty false` prints for the tree as it is now,
   * one diagnostic line per entry; empty when the tree type-checks.
   * One check at a time: wait for its answer before asking again.
   */
  async check(): Promise<string[]> {
    const reply = this.#failure !== null ? { error: this.#failure } : await new Promise<Reply>((resolve) => {
      this.#pending = resolve;
      this.#worker.postMessage('check');
    });
    if ('error' in reply) throw new Error(`the type checker failed: ${reply.error}`);
    return reply.lines;
  }

  /** Stops the checker once it has answered what it was asked. */
  async close(): Promise<void> {
    if (this.#failure !== null) return;
    // the worker ends by itself (not terminate()), so that what it has to write at its end is written
    const exited = once(this.#worker, 'exit');
    this.#worker.postMessage('close');
    await exited;
  }
}
