/**
 * Where a variable is mentioned in a function: the resource rules ask it for every acquisition.
 * Mentions are found through the name's occurrences in the text (see wordNodes.ts), so the cost
 * follows how often the name occurs, not the size of the body. They are found once per top-level
 * declaration and name; a scope inside it gets its share by binary search. (Found per scope,
 * nested func literals made the same mentions be found again at each level: quadratic work on
 * deeply nested code.)
 */
import type { Node } from 'web-tree-sitter';
import { declarationOf, nodeMemo, textOf, typeOf } from './syntax';
import { nodesAtWords } from './wordNodes';
import { mentionsWord } from './words';

/** Per top-level declaration: the mentions found so far, by name. */
const mentionsByDeclaration = nodeMemo(() => new Map<string, readonly Node[]>());

const asIdentifier = (token: Node) => (typeOf(token) === 'identifier' ? token : undefined);

/** Identifiers named `name` inside `scope` (nested func literals included), in source order. */
export function mentionsOf(scope: Node, name: string): readonly Node[] {
  const decl = declarationOf(scope);
  const known = mentionsByDeclaration(decl);
  let all = known.get(name);
  if (!all) known.set(name, (all = nodesAtWords(decl, [name], asIdentifier)));
  if (decl.id === scope.id) return all;
  return all.slice(firstAtOrAfter(all, scope.startIndex), firstAtOrAfter(all, scope.endIndex));
}

/** The index of the first node of `nodes` (in source order) starting at or after `offset`. */
function firstAtOrAfter(nodes: readonly Node[], offset: number): number {
  let lo = 0;
  let hi = nodes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (nodes[mid].startIndex < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Identifiers named `name` inside `scope` that lie within [from, to) (offsets); binary search, as bodies can be huge. */
export function mentionsBetween(scope: Node, name: string, from: number, to = Infinity): readonly Node[] {
  // A short stretch (the lines between a call and its error check) seldom names the variable:
  // reading its text settles that without finding every mention in the scope.
  if (to !== Infinity && !mentionsByDeclaration(declarationOf(scope)).has(name)) {
    const base = scope.startIndex;
    if (!mentionsWord(textOf(scope).slice(Math.max(0, from - base), to - base), name)) return [];
  }
  const all = mentionsOf(scope, name);
  return all.slice(firstAtOrAfter(all, from), to === Infinity ? all.length : firstAtOrAfter(all, to));
}
