/**
 * Where a variable is mentioned in a function: the resource rules ask it for every acquisition.
 * Mentions are found through the name's occurrences in the text (see wordNodes.ts), so the cost
 * follows how often the name occurs, not the size of the body. They are found once per top-level
 * declaration and name; a scope inside it gets its share by binary search. (Found per scope,
 * nested func literals made the same mentions be found again at each level: quadratic work on
 * deeply nested code.)
 */
import type { Node } from 'web-tree-sitter';
import { declarationOf, nodeMemo, parentOf, textOf, typeOf } from './syntax';
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

/**
 * True when `test` holds for a mention of `name`, at or after `from` in `scope`, of the variable
 * the name holds at `from`. A nested scope that declares the name anew holds another variable: its
 * mentions are skipped with one binary search, so code that redeclares the name at every level of
 * nesting (a `cmd :=` per block) costs each question a few steps, not the depth.
 */
export function someLaterMention(scope: Node, name: string, from: number, test: (mention: Node) => boolean): boolean {
  const all = mentionsOf(scope, name);
  for (let i = firstAtOrAfter(all, from); i < all.length; i++) {
    const shadowEnd = nestedRedeclarationEnd(all[i], from);
    if (shadowEnd !== undefined) i = firstAtOrAfter(all, shadowEnd) - 1;
    else if (test(all[i])) return true;
  }
  return false;
}

/**
 * Where the scope ends of the variable `id` declares (`id := …`, `var id …`), when that scope
 * opens after `from`: a nested block (or if/for/switch/case) declaring the name anew. Range
 * variables and parameters are not read: their mentions are tested like any other.
 */
function nestedRedeclarationEnd(id: Node, from: number): number | undefined {
  const p = parentOf(id);
  let declaration: Node | null | undefined;
  if (p && typeOf(p) === 'expression_list') {
    const stmt = parentOf(p);
    if (stmt && typeOf(stmt) === 'short_var_declaration' && stmt.childForFieldName('left')?.id === p.id) declaration = stmt;
  } else if (p && typeOf(p) === 'var_spec') {
    declaration = parentOf(p);
  }
  let scope = declaration && parentOf(declaration);
  if (scope && typeOf(scope) === 'for_clause') scope = parentOf(scope);
  return scope && scope.startIndex > from ? scope.endIndex : undefined;
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
