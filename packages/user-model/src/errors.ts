/**
 * The base of every error hallpass's libraries throw. Callers branch on
 * `instanceof` or on the stable `code`, never on the message text.
 */
export class HallpassError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A function was called with an argument of the wrong type or shape. */
export class InvalidArgumentError extends HallpassError {
  constructor(message: string) {
    super('ERR_INVALID_ARGUMENT', message);
  }
}

/**
 * Thrown by a task's stub in a learner workspace: the code the task asks for
 * has not been written yet. The message names the task and its page.
 */
export class TaskNotDoneError extends HallpassError {
  readonly task: number;

  constructor(task: number, what: string) {
    const id = String(task).padStart(2, '0');
    super('ERR_TASK_NOT_DONE', `task ${id} is not done yet: ${what} (see docs/tasks/, run \`pnpm course hint ${task}\`)`);
    this.task = task;
  }
}
