/**
 * Where a variable is mentioned in a function: the resource rules ask it for every acquisition.
 * Mentions are found through the name's occurrences in the text (see wordNodes.ts), so the cost
 * follows how often the name occurs, not the size of the body. They are found once per top-level
 * declaration and name; a scope inside it gets its share by binary search. (Found per scope,
 * nested func literals made the same mentions be found again at each level: quadratic work on
 * deeply nested code.)
 */
import type { Node } from 'web-tree-sitter';
import { declarationOf, expressionsOf, nodeMemo, parentOf, textOf, typeOf } from './syntax';
import { nodesAtWords } from './wordNodes';
import { firstAtOrAfter, mentionsWord } from './words';

/**
 * The mentions of one name in a declaration, in source order, with their start offsets: read once,
 * since each read of a node's offset crosses into WASM and binary searches read many.
 */
interface Mentions {
  nodes: readonly Node[];
  starts: readonly number[];
}

/** Per top-level declaration: the mentions found so far, by name. */
const mentionsByDeclaration = nodeMemo(() => new Map<string, Mentions>());

const asIdentifier = (token: Node) => (typeOf(token) === 'identifier' ? token : undefined);

/** The mentions of `name` in the top-level declaration around `scope`. */
function declarationMentions(scope: Node, name: string): Mentions {
  const decl = declarationOf(scope);
  const known = mentionsByDeclaration(decl);
  let all = known.get(name);
  if (!all) {
    const nodes = nodesAtWords(decl, [name], asIdentifier);
    known.set(name, (all = { nodes, starts: nodes.map((n) => n.startIndex) }));
  }
  return all;
}

/** Identifiers named `name` inside `scope` (nested func literals included), in source order. */
export function mentionsOf(scope: Node, name: string): readonly Node[] {
  const all = declarationMentions(scope, name);
  if (declarationOf(scope).id === scope.id) return all.nodes;
  return all.nodes.slice(firstAtOrAfter(all.starts, scope.startIndex), firstAtOrAfter(all.starts, scope.endIndex));
}

/**
 * True when `test` holds for a mention of `name`, at or after `from` in `scope`, of the variable
 * the name holds at `from`. A nested scope that declares the name anew holds another variable: its
 * mentions are skipped with one binary search, so code that redeclares the name at every level of
 * nesting (a `cmd :=` per block) costs each question a few steps, not the depth.
 */
export function someLaterMention(scope: Node, name: string, from: number, test: (mention: Node) => boolean): boolean {
  const { nodes, starts } = declarationMentions(scope, name);
  const end = firstAtOrAfter(starts, scope.endIndex);
  for (let i = firstAtOrAfter(starts, Math.max(from, scope.startIndex)); i < end; i++) {
    const shadowEnd = nestedRedeclarationEnd(nodes[i], from);
    if (shadowEnd !== undefined) i = firstAtOrAfter(starts, shadowEnd) - 1;
    else if (test(nodes[i])) return true;
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

/**
 * True when the text of [from, to) in `scope` shows no mention of `name`. A short stretch (the
 * lines between a call and its error check) seldom names the variable: reading its text settles
 * that without finding every mention in the declaration (once found, a binary search is cheaper).
 */
function surelyUnmentioned(scope: Node, name: string, from: number, to: number): boolean {
  if (to === Infinity || mentionsByDeclaration(declarationOf(scope)).has(name)) return false;
  const base = scope.startIndex;
  return !mentionsWord(textOf(scope).slice(Math.max(0, from - base), to - base), name);
}

/** Identifiers named `name` inside `scope` that lie within [from, to) (offsets); binary search, as bodies can be huge. */
export function mentionsBetween(scope: Node, name: string, from: number, to = Infinity): readonly Node[] {
  if (surelyUnmentioned(scope, name, from, to)) return [];
  const { nodes, starts } = declarationMentions(scope, name);
  return nodes.slice(firstAtOrAfter(starts, Math.max(from, scope.startIndex)), firstAtOrAfter(starts, Math.min(to, scope.endIndex)));
}

/** True when some identifier named `name` inside `scope` lies within [from, to). */
export function mentionedBetween(scope: Node, name: string, from: number, to: number): boolean {
  if (surelyUnmentioned(scope, name, from, to)) return false;
  const { starts } = declarationMentions(scope, name);
  const first = firstAtOrAfter(starts, Math.max(from, scope.startIndex));
  return first < starts.length && starts[first] < Math.min(to, scope.endIndex);
}

/**
 * The mentions of a name from some offset on, as indexes [first, end) into its declaration's
 * mentions: for asking, statement after statement, which lie inside a node without copying or
 * reading the nodes.
 */
export interface MentionSpan {
  readonly name: string;
  readonly nodes: readonly Node[];
  readonly starts: readonly number[];
  readonly first: number;
  readonly end: number;
}

/** The mentions of `name` inside `scope` at or after `from`. */
export function mentionSpan(scope: Node, name: string, from: number): MentionSpan {
  const { nodes, starts } = declarationMentions(scope, name);
  return { name, nodes, starts, first: firstAtOrAfter(starts, Math.max(from, scope.startIndex)), end: firstAtOrAfter(starts, scope.endIndex) };
}

/** True when some mention of the span starts at or after `offset`. */
export function mentionsFrom(span: MentionSpan, offset: number): boolean {
  return span.first < span.end && span.starts[span.end - 1] >= offset;
}

/** The indexes [from, to) of the span's mentions that lie wholly inside [start, end) (a mention is as long as the name). */
export function mentionsInside(span: MentionSpan, start: number, end: number): [number, number] {
  const from = Math.max(span.first, firstAtOrAfter(span.starts, start));
  const to = Math.min(span.end, firstAtOrAfter(span.starts, end - span.name.length + 1));
  return [from, Math.max(from, to)];
}

/** Per top-level declaration and name: whether each mention (by its index) is assigned to, as far as asked. */
const assignedByDeclaration = nodeMemo(() => new Map<string, (boolean | undefined)[]>());

/** True when `id` is one of the targets of `a, b := …` or `a, b = …`. */
function isAssignmentTarget(id: Node): boolean {
  const list = parentOf(id);
  const stmt = list && typeOf(list) === 'expression_list' ? parentOf(list) : null;
  if (!stmt || (typeOf(stmt) !== 'short_var_declaration' && typeOf(stmt) !== 'assignment_statement')) return false;
  return expressionsOf(stmt.childForFieldName('left')).some((t) => t.id === id.id);
}

/**
 * The last mention of `name` in `scope` before `offset` that an assignment or short variable
 * declaration assigns to. Each mention is asked about once per declaration, however many
 * questions pass it: code that reads a name at every level of nesting (and never assigns it)
 * made each question ask the tree about every earlier mention again.
 */
export function lastAssignmentTarget(scope: Node, name: string, offset: number): Node | undefined {
  if (surelyUnmentioned(scope, name, scope.startIndex, offset)) return undefined;
  const { nodes, starts } = declarationMentions(scope, name);
  const known = assignedByDeclaration(declarationOf(scope));
  let assigned = known.get(name);
  if (!assigned) known.set(name, (assigned = []));
  for (let i = firstAtOrAfter(starts, Math.min(offset, scope.endIndex)) - 1; i >= 0 && starts[i] >= scope.startIndex; i--) {
    if ((assigned[i] ??= isAssignmentTarget(nodes[i]))) return nodes[i];
  }
  return undefined;
}

/** Per top-level declaration and name: by a test's key, how many of the first i mentions it holds for, as far as counted. */
const talliesByDeclaration = nodeMemo(() => new Map<string, WeakMap<object, number[]>>());

/**
 * True when `test` holds for some mention of `name` within [from, to) in the declaration around
 * `scope`. The test is
 * counted once per mention, declaration and `key` (the test's identity), in source order: the
 * questions of every acquisition of the declaration share the counts, and each is a subtraction.
 */
export function someMentionWhere(scope: Node, name: string, key: object, test: (mention: Node) => boolean, from: number, to: number): boolean {
  const { nodes, starts } = declarationMentions(scope, name);
  const lo = firstAtOrAfter(starts, from);
  const hi = firstAtOrAfter(starts, to);
  if (lo >= hi) return false;
  const byName = talliesByDeclaration(declarationOf(scope));
  let byKey = byName.get(name);
  if (!byKey) byName.set(name, (byKey = new WeakMap()));
  let counts = byKey.get(key);
  if (!counts) byKey.set(key, (counts = [0]));
  for (let i = counts.length - 1; i < hi; i++) counts.push(counts[i] + (test(nodes[i]) ? 1 : 0));
  return counts[hi] > counts[lo];
}
