/**
 * Where a variable is mentioned in a function: the resource rules ask it for every acquisition.
 * Mentions are found through the name's occurrences in the text (see wordNodes.ts), so the cost
 * follows how often the name occurs, not the size of the body; answers are memoized per scope.
 */
import type { Node } from 'web-tree-sitter';
import { nodeMemo, textOf, typeOf } from './syntax';
import { nodesAtWords } from './wordNodes';
import { mentionsWord } from './words';

/** Per scope node: the mentions found so far, by name. */
const mentionsByScope = nodeMemo(() => new Map<string, readonly Node[]>());

const asIdentifier = (token: Node) => (typeOf(token) === 'identifier' ? token : undefined);

/** Identifiers named `name` inside `scope` (nested func literals included), in source order. */
export function mentionsOf(scope: Node, name: string): readonly Node[] {
  const known = mentionsByScope(scope);
  let mentions = known.get(name);
  if (!mentions) known.set(name, (mentions = nodesAtWords(scope, [name], asIdentifier)));
  return mentions;
}

/** Identifiers named `name` inside `scope` that lie within [from, to) (offsets); binary search, as bodies can be huge. */
export function mentionsBetween(scope: Node, name: string, from: number, to = Infinity): readonly Node[] {
  // A short stretch (the lines between a call and its error check) seldom names the variable:
  // reading its text settles that without finding every mention in the scope.
  if (to !== Infinity && !mentionsByScope(scope).has(name)) {
    const base = scope.startIndex;
    if (!mentionsWord(textOf(scope).slice(Math.max(0, from - base), to - base), name)) return [];
  }
  const all = mentionsOf(scope, name);
  const firstAtOrAfter = (offset: number) => {
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (all[mid].startIndex < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return all.slice(firstAtOrAfter(from), to === Infinity ? all.length : firstAtOrAfter(to));
}
