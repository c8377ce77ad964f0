/**
 * The content hash the learner loop keys its results on. For code, the hash of
 * its tokens as TypeScript reads them, without comments and white space: an
 * edit to a comment or to indentation gives the same hash, so no task runs
 * again for it. What can change what the code does stays in the hash: every
 * token's exact text (strings, template parts and regular expressions whole,
 * white space inside them included), and whether a line break comes before a
 * token (automatic semicolon insertion depends on it: `return\nx`).
 * Other files (JSON, Markdown) are hashed as they are.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as TS from 'typescript';

const CODE = /\.(ts|mts|cts|tsx|js|mjs|cjs|jsx)$/;

let typescript: typeof TS | undefined;

/** The tokens of `text` in order, each with a line break before it or not; null when the parser found a syntax error. */
export function codeTokens(file: string, text: string): string[] | null {
  typescript ??= createRequire(import.meta.url)('typescript') as typeof TS;
  const ts = typescript;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  // a file that does not parse may tokenize alike in two different texts: it is hashed as it is
  if ((source as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length > 0) return null;
  const tokens: string[] = [];
  let end = 0;
  // getChildren gives every token the scanner read for the parser, which knows
  // where a `/` starts a regular expression and a `}` goes on a template
  const visit = (node: TS.Node): void => {
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) return; // a doc comment
    const children = node.getChildren(source);
    if (children.length === 0 && node.kind !== ts.SyntaxKind.SyntaxList) {
      const start = node.getStart(source);
      if (start === node.end && node.kind !== ts.SyntaxKind.EndOfFileToken) return; // an empty node
      tokens.push(`${/[\n\r\u2028\u2029]/.test(text.slice(end, start)) ? '\n' : ''}${text.slice(start, node.end)}`);
      end = node.end;
      return;
    }
    for (const child of children) visit(child);
  };
  visit(source);
  return tokens;
}

/** The hash a file's content is known by: of its tokens for code that parses, of its bytes otherwise. */
export function contentHash(file: string, content: Buffer): string {
  const hash = createHash('sha256');
  const tokens = CODE.test(file) ? codeTokens(file, content.toString('utf8')) : null;
  if (tokens === null) return hash.update(content).digest('hex');
  for (const token of tokens) hash.update(`${token}\0`);
  return `code:${hash.digest('hex')}`;
}
