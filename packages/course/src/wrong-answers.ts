/**
 * Wrong answers: the plausible mistakes a learner makes in a task, kept in the
 * course's authoring notes (`packages/course/wrong-answers/task-NN.ts`, never
 * copied into a learner's workspace). Each one is a text substitution on the
 * solved tree; the task's tests must fail with it applied.
 */
export interface WrongAnswer {
  /** What the learner got wrong, in a few words: `stores the password in clear`. */
  name: string;
  /** The file to change, relative to the repository root. */
  file: string;
  /** Text of the solved tree, found exactly once in `file`. */
  find: string;
  /** What the wrong answer has instead. */
  replace: string;
}
