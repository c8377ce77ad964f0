/** The usage text of `pnpm grade`, kept apart so that `pnpm course` can quote it without loading the grader. */
export const gradeUsage = `usage: pnpm grade [--task N]... [--package NAME]... [--json [file]] [--junit file] [--workspace dir]

  --task N          grade task N only (repeat, or N,M, for several)
  --package NAME    grade the tasks of one package (user-model, db, auth, app)
  --json [file]     print the result as JSON (or write it to file and print the table)
  --junit file      also write the result as JUnit XML
  --workspace dir   from the course repository: grade a learner's workspace with the
                    course's own tests, and list what the learner changed outside the tasks
`;
