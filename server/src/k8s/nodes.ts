/**
 * Typed reads over `yaml` AST nodes, the way Kubernetes sees them: plain keys, YAML 1.1 booleans,
 * `<<` merge keys and aliases followed. Every helper tolerates any node shape (a half-typed
 * manifest can put a scalar where a mapping belongs) and returns undefined instead of throwing.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Alias, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

export type { Pair, YAMLMap, YAMLSeq };
export type YamlNode = Node;

/** Aliases resolved per document at parse time (resolving needs the document, the helpers only get nodes). */
const aliasTargets = new WeakMap<Alias, Node | undefined>();

/** Records what every alias of `doc` points at; call once per parsed document that may contain aliases. */
export function registerAliases(doc: Document.Parsed): void {
  forEachNode(doc.contents, (node) => {
    if (isAlias(node)) aliasTargets.set(node, node.resolve(doc) as Node | undefined);
    return false;
  });
}

/**
 * Visits nodes and pairs depth-first without recursion (flow collections can nest arbitrarily deep);
 * stops when `fn` returns true. Aliases are not followed.
 */
export function forEachNode(root: unknown, fn: (item: Node | Pair) => boolean): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const item = stack.pop();
    if (isPair(item)) {
      if (fn(item)) return;
      stack.push(item.value, item.key);
    } else if (isMap(item) || isSeq(item)) {
      if (fn(item)) return;
      for (let i = item.items.length - 1; i >= 0; i--) stack.push(item.items[i]);
    } else if (isScalar(item) || isAlias(item)) {
      if (fn(item)) return;
    }
  }
}

/** The node itself, or what an alias points at. */
export function deref(node: unknown): Node | undefined {
  if (isAlias(node)) return aliasTargets.get(node);
  return isMap(node) || isSeq(node) || isScalar(node) ? (node as Node) : undefined;
}

export function asMap(node: unknown): YAMLMap | undefined {
  const n = deref(node);
  return isMap(n) ? n : undefined;
}

export function asSeq(node: unknown): YAMLSeq | undefined {
  const n = deref(node);
  return isSeq(n) ? n : undefined;
}

/** A pair's key as text (`<<` merge keys and complex keys give ''). */
export function keyName(pair: Pair): string {
  const key = pair.key;
  if (!isScalar(key)) return '';
  const v = key.value;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

function isMergeKey(pair: Pair): boolean {
  return isScalar(pair.key) && typeof pair.key.value === 'symbol';
}

/** Merge chains deeper than this are ignored (they can also be circular: `<<: *self`). */
const MAX_MERGE_DEPTH = 8;

/**
 * The pair for `key` in a mapping. Keys written in the mapping itself win over keys merged in with
 * `<<: *anchor` (YAML 1.1 merge semantics).
 */
export function pairOf(map: YAMLMap | undefined, key: string, depth = 0): Pair | undefined {
  if (!map) return undefined;
  for (const pair of map.items) if (keyName(pair) === key) return pair;
  if (depth >= MAX_MERGE_DEPTH) return undefined;
  for (const source of mergeSources(map)) {
    const found = pairOf(source, key, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Every key/value pair of a mapping, merged ones included, own keys first. */
function pairsOf(map: YAMLMap | undefined, depth = 0): Pair[] {
  if (!map) return [];
  const own = map.items.filter((p) => !isMergeKey(p));
  if (depth >= MAX_MERGE_DEPTH) return own;
  const seen = new Set(own.map(keyName));
  const merged: Pair[] = [];
  for (const source of mergeSources(map)) {
    for (const p of pairsOf(source, depth + 1)) {
      if (seen.has(keyName(p))) continue;
      seen.add(keyName(p));
      merged.push(p);
    }
  }
  return [...own, ...merged];
}

/** The mappings a `<<: *a` or `<<: [*a, *b]` pulls in. */
function mergeSources(map: YAMLMap): YAMLMap[] {
  const out: YAMLMap[] = [];
  for (const pair of map.items) {
    if (!isMergeKey(pair)) continue;
    for (const source of asSeq(pair.value)?.items ?? [pair.value]) {
      const m = asMap(source);
      if (m) out.push(m);
    }
  }
  return out;
}

export function valueOf(map: YAMLMap | undefined, key: string): Node | undefined {
  return deref(pairOf(map, key)?.value);
}

/** Follows a path of mapping keys: mapAt(obj, 'spec', 'template', 'spec'). */
export function mapAt(map: YAMLMap | undefined, ...keys: string[]): YAMLMap | undefined {
  let cur = map;
  for (const key of keys) cur = asMap(pairOf(cur, key)?.value);
  return cur;
}

/** The mappings of a sequence (other items skipped). */
export function mapsIn(seq: YAMLSeq | undefined): YAMLMap[] {
  if (!seq) return [];
  const out: YAMLMap[] = [];
  for (const item of seq.items) {
    const m = asMap(item);
    if (m) out.push(m);
  }
  return out;
}

export function scalarValue(node: unknown): unknown {
  const n = deref(node);
  return isScalar(n) ? n.value : undefined;
}

/** A string scalar (numbers are not strings here: `name: 8080` is not a name). */
export function stringOf(node: unknown): string | undefined {
  const v = scalarValue(node);
  return typeof v === 'string' ? v : undefined;
}

/** Scalar as text whatever its type, for values Kubernetes treats as strings (labels, quantities). */
export function textOf(node: unknown): string | undefined {
  const v = scalarValue(node);
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

export function boolOf(node: unknown): boolean | undefined {
  const v = scalarValue(node);
  return typeof v === 'boolean' ? v : undefined;
}

export function numberOf(node: unknown): number | undefined {
  const v = scalarValue(node);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** True for a missing value, an empty value (`key:`) and explicit `null`/`~`. */
export function isNullish(node: unknown): boolean {
  const n = deref(node);
  return n === undefined || (isScalar(n) && n.value === null);
}

/** A mapping of string values as a plain record (labels, selectors, annotations). */
export function stringRecord(map: YAMLMap | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairsOf(map)) {
    const value = textOf(pair.value);
    if (value !== undefined) out[keyName(pair)] = value;
  }
  return out;
}
