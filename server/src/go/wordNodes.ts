/**
 * Finding nodes by the words that name them. A query or a descendants walk visits every node of a
 * scope inside WASM (a query over a declaration costs a quarter of parsing it); the names the
 * rules look for (a variable, `NewTicker`, `select`) occur a handful of times. So the scope's text is
 * searched for the word and tree-sitter is asked which node sits there: a word inside a comment, a
 * string or a longer name is not the node it names, so the tree decides and the text only says
 * where to look.
 */
import type { Node } from 'web-tree-sitter';
import { parentOf, rememberParent, textOf, typeOf } from './syntax';
import { wordOffsets } from './words';

/**
 * Whether tree-sitter's search for the node spanning [start, end) descends into a node at
 * [from, to): it must reach past the range's start (an empty node: reach it) and its end, and
 * start no later than the range.
 */
function holds(from: number, to: number, start: number, end: number): boolean {
  return to >= end && (from === to ? to >= start : to > start) && from <= start;
}

/** Brackets open at which finding nodes from the scope each time starts to cost more than keeping a path. */
const DEEP_BRACKETS = 8;

/**
 * Finds nodes in one scope at offsets taken in increasing order, as descendantForIndex from the
 * scope does. That walks down from the scope each time, inside tree-sitter, and climbing back from
 * the node found asks tree-sitter for parents, which it finds by walking down from the root: on
 * deeply nested code both cost the depth per node, quadratic work over a nested function. So past
 * DEEP_BRACKETS open brackets (counted in the text, as offsets come in order) the finder keeps the
 * chain of nodes from the scope to the last node found: the next lookup climbs that chain only as
 * far as needed and walks down from there, and the parents on the chain are remembered (syntax.ts).
 * Shallow lookups take the one call to tree-sitter, as before.
 */
export class NodeFinder {
  /** The scope, then each node's child down to the last node found on the deep path. */
  private readonly path: Node[];
  private readonly base: number;
  private scanned = 0;
  private brackets = 0;

  constructor(
    private readonly scope: Node,
    /** The scope's text. */
    private readonly source: string = textOf(scope),
  ) {
    this.path = [scope];
    this.base = scope.startIndex;
  }

  /** The smallest node spanning [start, end); `start` must not be before the previous call's. */
  spanning(start: number, end: number): Node {
    if (this.bracketsAt(start) < DEEP_BRACKETS) return this.scope.descendantForIndex(start, end) ?? this.scope;
    const { path } = this;
    while (path.length > 1) {
      const node = path[path.length - 1];
      if (holds(node.startIndex, node.endIndex, start, end)) break;
      path.pop();
    }
    let node = path[path.length - 1];
    const found = node.descendantForIndex(start, end) ?? node;
    while (node.id !== found.id) {
      const child = node.childWithDescendant(found);
      if (!child) break;
      rememberParent(child, node);
      path.push(child);
      node = child;
    }
    return found;
  }

  /** The token at [start, start + length); undefined when the smallest node there is larger (a comment, a string). */
  token(start: number, length: number): Node | undefined {
    const token = this.spanning(start, start + length);
    return token.startIndex === start && token.endIndex === start + length ? token : undefined;
  }

  /** Brackets open at `offset` (in the scope), counted on from the last offset asked about. */
  private bracketsAt(offset: number): number {
    const { source } = this;
    const to = Math.min(offset - this.base, source.length);
    for (let i = this.scanned; i < to; i++) {
      const c = source.charCodeAt(i);
      if (c === 40 || c === 91 || c === 123) this.brackets++;
      else if (c === 41 || c === 93 || c === 125) this.brackets--;
    }
    this.scanned = Math.max(this.scanned, to);
    return this.brackets;
  }
}

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
  const hits = words.flatMap((word) => wordOffsets(source, word).map((at) => ({ at, length: word.length })));
  if (hits.length === 0) return [];
  if (words.length > 1) hits.sort((a, b) => a.at - b.at);
  const finder = new NodeFinder(scope, source);
  const found: Node[] = [];
  for (const { at, length } of hits) {
    const token = finder.token(base + at, length);
    const node = token && shape(token);
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
      return stmt && typeOf(stmt) === STATEMENT_OF_KEYWORD[typeOf(token) as StatementKeyword] ? stmt : undefined;
    },
    source,
  );
}
