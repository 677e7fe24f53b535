/**
 * Finding nodes by the words that name them. A query or a descendants walk visits every node of a
 * scope inside WASM (a query over a declaration costs a quarter of parsing it); the names the
 * rules look for (a variable, `NewTicker`, `select`) occur a handful of times. So the scope's text is
 * searched for the word and tree-sitter is asked which node sits there: a word inside a comment, a
 * string or a longer name is not the node it names, so the tree decides and the text only says
 * where to look.
 */
import type { Node } from 'web-tree-sitter';
import { parentOf, textOf, typeOf } from './syntax';
import { wordOffsets } from './words';

/**
 * The nodes `shape` finds at each whole-word occurrence of `words` inside `scope`, in source order.
 * `shape` gets the token at the word (an identifier, a keyword…) and returns the node wanted, if any.
 * `source` is the scope's text when the caller already holds it.
 */
export function nodesAtWords(
  scope: Node,
  words: readonly string[],
  shape: (token: Node) => Node | null | undefined,
  source: string = textOf(scope),
): Node[] {
  const base = scope.startIndex;
  const hits = words.flatMap((w) => wordOffsets(source, w).map((at) => [base + at, base + at + w.length] as const));
  if (words.length > 1) hits.sort((a, b) => a[0] - b[0]);
  const found: Node[] = [];
  for (const [start, end] of hits) {
    const token = scope.descendantForIndex(start, end);
    // The smallest node over the word must be exactly the word, not a comment or string around it.
    const node = token && token.startIndex === start && token.endIndex === end ? shape(token) : undefined;
    if (node) found.push(node);
  }
  return found;
}

const STATEMENT_OF_KEYWORD = {
  go: 'go_statement',
  defer: 'defer_statement',
  for: 'for_statement',
  select: 'select_statement',
  return: 'return_statement',
  break: 'break_statement',
  continue: 'continue_statement',
  goto: 'goto_statement',
} as const;

export type StatementKeyword = keyof typeof STATEMENT_OF_KEYWORD;

/** The statements inside `scope` that the keywords introduce, in source order. */
export function statementsByKeyword(scope: Node, keywords: readonly StatementKeyword[], source?: string): Node[] {
  return nodesAtWords(
    scope,
    keywords,
    (token) => {
      const stmt = parentOf(token);
      return stmt && typeOf(stmt) === STATEMENT_OF_KEYWORD[token.type as StatementKeyword] ? stmt : undefined;
    },
    source,
  );
}
