import t from 'tap';
import { parseHints } from '../src/hints.ts';

t.test('parseHints: one hint per "## Hint N" section, in order, with its title; the text before the first is not a hint', async (t) => {
  const text = '# Task 03: hints\n\n<!-- a note to authors -->\n\n## Hint 1\n\nValidate first,\nthen write.\n\n## Hint 2: the count\n\nZero rows: no user.\n\n## Hint 3\n';
  t.same(parseHints(text), [
    { title: '', text: 'Validate first,\nthen write.' },
    { title: 'the count', text: 'Zero rows: no user.' },
    { title: '', text: '' },
  ]);
  t.same(parseHints('# Task 03: hints\n\nNo hint yet.\n'), [], 'a file without a hint section has no hints');
  t.same(parseHints('## Hint 1: unfinished'), [{ title: 'unfinished', text: '' }], 'a heading on the last line is a hint without text');
});
