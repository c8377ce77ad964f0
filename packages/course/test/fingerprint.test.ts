import t from 'tap';
import { codeTokens, contentHash } from '../src/fingerprint.ts';

const hash = (text: string, file = 'src/a.ts'): string => contentHash(file, Buffer.from(text));

t.test('comments and white space between tokens do not change the hash', async (t) => {
  const code = "import { x } from './x.ts';\n\nexport function f(a: number): number {\n  return a + x;\n}\n";
  t.equal(hash(code.replace('export', '// why: the reason\nexport')), hash(code), 'a line comment');
  t.equal(hash(code.replace('return a', 'return /* inline */ a')), hash(code), 'a block comment');
  t.equal(hash(code.replace('export', '/**\n * Adds x.\n */\nexport')), hash(code), 'a doc comment');
  t.equal(hash(code.replace('  return', '      return').replace('\n\n', '\n\n\n\n').replace('a + x', 'a  +  x').replace(';\n}', ';   \n}')), hash(code), 'indentation, blank lines, spaces, trailing white space');
});

t.test('what can change what the code does changes the hash', async (t) => {
  t.not(hash('const s = "a b";'), hash('const s = "a  b";'), 'white space in a string');
  t.not(hash('const s = `a ${b} c`;'), hash('const s = `a ${b}  c`;'), 'white space in a template, after a substitution');
  t.not(hash('const s = `a ${b} // c`;'), hash('const s = `a ${b} `;'), 'comment-like text in a template');
  t.not(hash('if (x) /a b/.test(y);'), hash('if (x) /ab/.test(y);'), 'white space in a regular expression');
  t.not(hash('function f() {\n  return\n  x;\n}'), hash('function f() {\n  return x;\n}'), 'a line break that inserts a semicolon');
  t.not(hash('const a = 1;'), hash('const a = 2;'), 'code');
  t.not(hash('{"a": 1}', 'package.json'), hash('{"a":1}', 'package.json'), 'a file that is not code is hashed as it is');
  t.not(hash('const a = (;'), hash('const a = ( ;'), 'code that does not parse is hashed as it is');
});

t.test('the tokens keep strings, templates and regular expressions whole', async (t) => {
  t.same(codeTokens('a.ts', '/** doc */\nconst a = `x ${b} y` + "s"; // end\nif (a) /re g/.test(a)'), ['\nconst', 'a', '=', '`x ${', 'b', '} y`', '+', '"s"', ';', '\nif', '(', 'a', ')', '/re g/', '.', 'test', '(', 'a', ')', '']);
  t.same(codeTokens('a.ts', 'const [, b] = c;'), ['const', '[', ',', 'b', ']', '=', 'c', ';', ''], 'an omitted element is no token');
  t.equal(codeTokens('a.ts', 'const = ;'), null, 'a syntax error');
});
