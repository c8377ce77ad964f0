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

/** One error of the compiler, where it is: `file` relative to the tree, 1-based `line` and `column` (null for an error of no file, e.g. of tsconfig.json). */
export interface TypeErrorAt {
  file: string | null;
  line: number | null;
  column: number | null;
  /** TypeScript's number for it: 2322 for TS2322. */
  code: number;
  message: string;
}

/** `packages/auth/src/tokens.ts:5:9 - error TS2322: Type 'string' is not assignable to type 'number'.` */
export function formatTypeError(error: TypeErrorAt): string {
  const where = error.file === null ? '' : `${error.file}:${error.line}:${error.column} - `;
  return `${where}error TS${error.code}: ${error.message}`;
}

type Reply = { lines: string[] } | { errors: TypeErrorAt[] } | { error: string };

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
    return (await this.#ask<{ lines: string[] }>('check')).lines;
  }

  /**
   * The compiler's errors, with `texts` (path relative to the tree → text) read
   * instead of those files on disk. With `files` null, of the whole tree (as
   * `check` finds them), re-checking what changed since the last call and the
   * files that import it directly. Else the errors in those files (relative
   * paths; a file tsconfig.json leaves out is checked too, one that does not
   * exist is skipped), with the configuration's and the program's own errors,
   * checked afresh. With `roots` (relative paths) too, the program holds only
   * those files, `files` and what they import, not every file tsconfig.json
   * includes: far fewer declaration files to parse when `files` are few.
   * One check at a time, as for `check`.
   */
  async errorsIn(files: readonly string[] | null, texts: Readonly<Record<string, string>> = {}, roots?: readonly string[]): Promise<TypeErrorAt[]> {
    return (await this.#ask<{ errors: TypeErrorAt[] }>({ files, texts, roots })).errors;
  }

  async #ask<T extends Reply>(message: unknown): Promise<T> {
    const reply = this.#failure !== null ? { error: this.#failure } : await new Promise<Reply>((resolve) => {
      this.#pending = resolve;
      this.#worker.postMessage(message);
    });
    if ('error' in reply) throw new Error(`the type checker failed: ${reply.error}`);
    return reply as T;
  }

  /** Stops the checker now, even in the middle of a check (whose answer is then an error). */
  async stop(): Promise<void> {
    this.#failure ??= 'stopped';
    this.#settle({ error: this.#failure });
    await this.#worker.terminate();
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

