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
  const found: { at: number; node: Node }[] = [];
  for (const word of words) {
    for (const at of wordOffsets(source, word)) {
      const token = tokenAt(scope, base + at, word.length);
      const node = token && shape(token);
      if (node) found.push({ at, node });
    }
  }
  if (words.length > 1) found.sort((a, b) => a.at - b.at);
  return found.map((f) => f.node);
}

/** The token at [start, start + length) in `scope`; undefined when the smallest node there is larger (a comment, a string). */
export function tokenAt(scope: Node, start: number, length: number): Node | undefined {
  const token = scope.descendantForIndex(start, start + length);
  return token && token.startIndex === start && token.endIndex === start + length ? token : undefined;
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
      return stmt && typeOf(stmt) === STATEMENT_OF_KEYWORD[typeOf(token) as StatementKeyword] ? stmt : undefined;
    },
    source,
  );
}
