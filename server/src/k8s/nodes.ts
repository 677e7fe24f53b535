/**
 * Typed reads over `yaml` AST nodes, the way Kubernetes sees them: plain keys, YAML 1.1 booleans,
 * `<<` merge keys and aliases followed. Every helper tolerates any node shape (a half-typed
 * manifest can put a scalar where a mapping belongs) and returns undefined instead of throwing.
 */
import { isAlias, isMap, isScalar, isSeq, visit, type Alias, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

export type { Pair, YAMLMap, YAMLSeq };
export type YamlNode = Node;

/** Aliases resolved per document at parse time (resolving needs the document, the helpers only get nodes). */
const aliasTargets = new WeakMap<Alias, Node | undefined>();

/** Records what every alias of `doc` points at; call once per parsed document that may contain aliases. */
export function registerAliases(doc: Document.Parsed): void {
  visit(doc, {
    Alias(_, alias) {
      aliasTargets.set(alias, alias.resolve(doc) as Node | undefined);
    },
  });
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

/**
 * The pair for `key` in a mapping. Keys written in the mapping itself win over keys merged in with
 * `<<: *anchor` (YAML 1.1 merge semantics).
 */
export function pairOf(map: YAMLMap | undefined, key: string): Pair | undefined {
  if (!map) return undefined;
  for (const pair of map.items) if (keyName(pair) === key) return pair;
  for (const pair of map.items) {
    if (!isMergeKey(pair)) continue;
    const sources = asSeq(pair.value)?.items ?? [pair.value];
    for (const source of sources) {
      const found = pairOf(asMap(source), key);
      if (found) return found;
    }
  }
  return undefined;
}

/** Every key/value pair of a mapping, merged ones included, own keys first. */
export function pairsOf(map: YAMLMap | undefined): Pair[] {
  if (!map) return [];
  const own = map.items.filter((p) => !isMergeKey(p));
  const seen = new Set(own.map(keyName));
  const merged: Pair[] = [];
  for (const pair of map.items) {
    if (!isMergeKey(pair)) continue;
    for (const source of asSeq(pair.value)?.items ?? [pair.value]) {
      for (const p of pairsOf(asMap(source))) {
        if (seen.has(keyName(p))) continue;
        seen.add(keyName(p));
        merged.push(p);
      }
    }
  }
  return [...own, ...merged];
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
