/**
 * Identifiers of a function body or declaration grouped by name, computed once per node and tree.
 * The resource rules ask "where else is this variable mentioned?" for every acquisition; scanning
 * the body each time made a function with hundreds of acquisitions quadratic.
 */
import type { Node, Tree } from 'web-tree-sitter';

const cache = new WeakMap<Tree, Map<number, ReadonlyMap<string, readonly Node[]>>>();

/** Identifiers inside `scope` (nested func literals included), by name, in source order. */
export function identifiersByName(scope: Node): ReadonlyMap<string, readonly Node[]> {
  let perTree = cache.get(scope.tree);
  if (!perTree) cache.set(scope.tree, (perTree = new Map()));
  let index = perTree.get(scope.id);
  if (!index) {
    const byName = new Map<string, Node[]>();
    for (const id of scope.descendantsOfType('identifier')) {
      if (!id) continue;
      let list = byName.get(id.text);
      if (!list) byName.set(id.text, (list = []));
      list.push(id);
    }
    perTree.set(scope.id, (index = byName));
  }
  return index;
}

/** Identifiers named `name` inside `scope`. */
export function mentionsOf(scope: Node, name: string): readonly Node[] {
  return identifiersByName(scope).get(name) ?? [];
}

/** Identifiers named `name` inside `scope` that lie within [from, to) (byte offsets); binary search, as bodies can be huge. */
export function mentionsBetween(scope: Node, name: string, from: number, to = Infinity): readonly Node[] {
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
