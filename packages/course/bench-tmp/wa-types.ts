import { defaultCourse } from '../src/course.ts';
import { AnswerChecker, loadWrongAnswers } from '../src/wrong-answers.ts';
import { formatTypeError } from '../src/typecheck.ts';
const course = defaultCourse();
const only = process.argv[2] === undefined ? undefined : course.tasks.find((t) => t.id === Number(process.argv[2]));
const entries = (await loadWrongAnswers(course, only)).filter((e) => e.problem === null);
const checker = await AnswerChecker.create(course);
const start = Date.now();
let bad = 0;
for (const entry of entries) {
  const t0 = Date.now();
  const errors = await checker.errorsOf(entry);
  if (errors.length > 0) bad++;
  console.log(`${entry.where} ${errors.length === 0 ? 'ok' : 'NO BUILD'} ${Date.now() - t0}ms ${entry.answer!.name}${errors.map((e) => `\n    ${formatTypeError(e)}`).join('')}`);
}
console.log(`${entries.length} answers, ${bad} do not type-check, ${Date.now() - start}ms`);
await checker.close();
