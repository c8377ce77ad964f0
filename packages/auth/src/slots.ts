import { HallpassError } from '@hallpass/db';

/** A task was refused because as many tasks as allowed are already waiting; retry shortly. */
export class BusyError extends HallpassError {
  /** How many tasks were waiting. */
  readonly waiting: number;

  constructor(waiting: number) {
    super('ERR_BUSY', `the server is busy: ${waiting} password checks are already waiting; try again shortly`);
    this.waiting = waiting;
  }
}

/**
 * A fixed number of slots for work that keeps a CPU core busy: at most `size`
 * tasks run at once; the others wait their turn, first come first served, and
 * at most `maxWaiting` of them: a task beyond that is refused with `BusyError`
 * before it starts, rather than queued behind work that would outlast its caller.
 */
export class Slots {
  readonly size: number;
  #maxWaiting: number;
  #running = 0;
  #started = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number, maxWaiting = Number.POSITIVE_INFINITY) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`slots must be a whole number of at least 1, got ${size}`);
    this.size = size;
    this.#maxWaiting = checkMaxWaiting(maxWaiting);
  }

  /** Tasks started and not yet settled. */
  get running(): number {
    return this.#running;
  }

  /** Tasks waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Tasks started since the slots were made. */
  get started(): number {
    return this.#started;
  }

  /** How many tasks may wait at once; one more is refused. A whole number, or `Infinity` for no limit. */
  get maxWaiting(): number {
    return this.#maxWaiting;
  }

  set maxWaiting(value: number) {
    this.#maxWaiting = checkMaxWaiting(value);
  }

  /**
   * Runs `task` once a slot is free and frees the slot when it settles, whether
   * it resolves or rejects. `BusyError`, without running it, when every slot is
   * taken and `maxWaiting` tasks already wait.
   */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.size) {
      if (this.#waiting.length >= this.#maxWaiting) throw new BusyError(this.#waiting.length);
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else this.#running++;
    this.#started++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next task in line, so a newcomer cannot jump the queue.
      const next = this.#waiting.shift();
      if (next === undefined) this.#running--;
      else next();
    }
  }
}

function checkMaxWaiting(value: number): number {
  if (value !== Number.POSITIVE_INFINITY && (!Number.isSafeInteger(value) || value < 0)) {
    throw new RangeError(`the waiting limit must be a whole number of at least 0, or Infinity, got ${value}`);
  }
  return value;
}
