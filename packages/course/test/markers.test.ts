import t from 'tap';
import type { MarkerError} from '../src/markers.ts';
import { mayHaveMarkers, parseMarkers, regionTasks, render, solutionOf, stubOf } from '../src/markers.ts';
import { M } from './fixtures/course.ts';

const known = new Set([0, 1, 2, 3, 21]);
const parse = (lines: string[]) => parseMarkers('src/x.ts', lines.join('\n'), known);

const nested = [
  'function f(x: number) {',
  `  ${M.region('01')}`,
  '  const y = x + 1;',
  `  ${M.region('21')}`,
  '  check(y);',
  `  ${M.stub}`,
  '  // // naive: no check',
  `  ${M.end}`,
  '  return y;',
  `  ${M.stub}`,
  "  // throw new TaskNotDoneError(1, 'write f');",
  '  //',
  '  //   indented();',
  '',
  `  ${M.end}`,
  '}',
  M.region('02'),
  'function helper() {}',
  M.end,
];

t.test('regions nest: a later task inside an earlier solution', async (t) => {
  const source = parse(nested);
  t.equal(source.regions.length, 2);
  t.match(source.regions[0], { task: 1, start: 1, stub: 9, end: 14, children: [{ task: 21, start: 3, stub: 5, end: 7, children: [] }] });
  t.match(source.regions[1], { task: 2, stub: null });
  t.same([...regionTasks(source)].sort((a, b) => a - b), [1, 2, 21]);
});

t.test('a region without a stub: its solution is all its lines, its stub is empty', async (t) => {
  const source = parse(nested);
  const helper = source.regions[1]!;
  t.same(solutionOf(source, helper, () => true), ['function helper() {}']);
  t.same(stubOf(source, helper), []);
  t.same(stubOf(source, source.regions[0]!), ["  throw new TaskNotDoneError(1, 'write f');", '', '    indented();', ''], 'a stub is uncommented, its indentation kept');
});

t.test('rendering keeps solved solutions and replaces the rest by their stubs', async (t) => {
  const source = parse(nested);
  t.equal(render(source, () => true), ['function f(x: number) {', '  const y = x + 1;', '  check(y);', '  return y;', '}', 'function helper() {}'].join('\n'));
  t.equal(
    render(source, (id) => id !== 21),
    ['function f(x: number) {', '  const y = x + 1;', '  // naive: no check', '  return y;', '}', 'function helper() {}'].join('\n'),
    'the later task is stubbed inside the earlier solution',
  );
  t.equal(
    render(source, () => false),
    ['function f(x: number) {', "  throw new TaskNotDoneError(1, 'write f');", '', '    indented();', '', '}'].join('\n'),
    'the inner region goes with the outer solution; a region without stub becomes empty; indentation stays',
  );
  t.equal(
    render(source, () => false, { keepMarkers: true }),
    ['function f(x: number) {', `  ${M.region('01')}`, "  throw new TaskNotDoneError(1, 'write f');", '', '    indented();', '', `  ${M.end}`, '}', M.region('02'), M.end].join('\n'),
    'markers can stay around the stub to show where to write',
  );
});

t.test('a file without regions renders as it is', async (t) => {
  const source = parse(['const a = 1;', '// #regional is not a marker', '// // #stub inside a comment is not one either']);
  t.same(source.regions, []);
  t.equal(render(source, () => false), source.lines.join('\n'));
  t.ok(mayHaveMarkers(`x\n${M.end}`));
  t.ok(mayHaveMarkers(M.stub));
  t.notOk(mayHaveMarkers('// region'));
});

t.test('marker mistakes are errors naming the file and line', async (t) => {
  const cases: [string, string[], RegExp][] = [
    ['missing end', ['a', M.region('01'), 'b'], /^src\/x\.ts:2: region task-01 has no `\/\/ #endregion`/],
    ['end without region', ['a', M.end], /^src\/x\.ts:2: `\/\/ #endregion` without an open region/],
    ['unknown task', [M.region('07'), M.end], /^src\/x\.ts:1: unknown task id task-07: no task 7 in the manifest/],
    ['one digit', ['// #region task-1', M.end], /^src\/x\.ts:1: expected `\/\/ #region task-NN`/],
    ['no id', ['// #region', M.end], /expected `\/\/ #region task-NN`/],
    ['stray stub', ['a', M.stub], /^src\/x\.ts:2: `\/\/ #stub` outside any region/],
    ['duplicate stub', [M.region('01'), M.stub, '// a', M.stub, M.end], /^src\/x\.ts:4: second `\/\/ #stub` in region task-01 \(the first is at line 2\)/],
    ['region in a stub', [M.region('01'), M.stub, M.region('02'), M.end, M.end], /^src\/x\.ts:3: region task-02 starts inside the stub of task-01/],
    ['nested earlier task', [M.region('02'), M.region('01'), M.end, M.end], /^src\/x\.ts:2: region task-01 is nested in task-02's solution but is not a later task/],
    ['uncommented stub', [M.region('01'), M.stub, 'return 1;', M.end], /^src\/x\.ts:3: stub line of task-01 is not commented/],
  ];
  for (const [name, lines, message] of cases) {
    t.throws(() => parse(lines), message, name);
  }
  const error = t.throws(() => parse(['a', M.end])) as MarkerError;
  t.equal(error.file, 'src/x.ts');
  t.equal(error.line, 2);
  t.equal(error.name, 'MarkerError');
});
