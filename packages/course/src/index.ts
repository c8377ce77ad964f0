export { tasks, taskNumber, testFile, docPage, regionId, findTask } from './manifest.ts';
export type { Task, PackageName } from './manifest.ts';
