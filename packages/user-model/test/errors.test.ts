import t from 'tap';
import { HallpassError, InvalidArgumentError, TaskNotDoneError } from '@hallpass/user-model';

t.test('library errors carry a stable code and their class name', async (t) => {
  const error = new InvalidArgumentError('email must be a string');
  t.ok(error instanceof HallpassError);
  t.ok(error instanceof Error);
  t.equal(error.code, 'ERR_INVALID_ARGUMENT');
  t.equal(error.name, 'InvalidArgumentError');
  t.equal(error.message, 'email must be a string');
});

t.test('a stub\'s error names its task and where to read about it', async (t) => {
  const error = new TaskNotDoneError(7, 'write POST /users');
  t.equal(error.code, 'ERR_TASK_NOT_DONE');
  t.equal(error.task, 7);
  t.match(error.message, /task 07 is not done yet: write POST \/users/);
  t.match(error.message, /pnpm course hint 7/);
});
