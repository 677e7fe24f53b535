/** Kubernetes objects found in parsed YAML documents: a mapping with `apiVersion` and `kind`. */
import type { Document } from 'yaml';
import { asMap, asSeq, mapAt, mapsIn, pairOf, stringOf, stringRecord, type Pair, type YAMLMap } from './nodes';

export interface K8sObject {
  node: YAMLMap;
  apiVersion: string;
  /** API group: '' for the core group (`apiVersion: v1`), else the part before the slash. */
  group: string;
  kind: string;
  /** The `kind:` pair, where object-level findings start. */
  kindPair: Pair;
  metadata?: YAMLMap;
  name?: string;
  namespace?: string;
}

/** A mapping is a Kubernetes object when it has string `apiVersion` and `kind`. */
function asObject(node: unknown): K8sObject | undefined {
  const map = asMap(node);
  const apiVersion = stringOf(pairOf(map, 'apiVersion')?.value);
  const kindPair = pairOf(map, 'kind');
  const kind = stringOf(kindPair?.value);
  if (!map || !apiVersion || !kindPair || !kind) return undefined;
  const slash = apiVersion.indexOf('/');
  const metadata = mapAt(map, 'metadata');
  return {
    node: map,
    apiVersion,
    group: slash < 0 ? '' : apiVersion.slice(0, slash),
    kind,
    kindPair,
    metadata,
    name: stringOf(pairOf(metadata, 'name')?.value),
    namespace: stringOf(pairOf(metadata, 'namespace')?.value),
  };
}

/** The objects of one document: the document itself, or each item of a `kind: List`. */
export function objectsOf(doc: Document.Parsed): K8sObject[] {
  const top = asObject(doc.contents);
  if (!top) return [];
  if (top.kind !== 'List' && !(top.kind.endsWith('List') && pairOf(top.node, 'items'))) return [top];
  const out: K8sObject[] = [];
  for (const item of mapsIn(asSeq(pairOf(top.node, 'items')?.value))) {
    const obj = asObject(item);
    if (obj) out.push(obj);
  }
  return out;
}

/** Loose test for broken documents: a top-level `apiVersion` or `kind` key. */
export function looksLikeManifest(contents: unknown): boolean {
  const map = asMap(contents);
  return !!pairOf(map, 'apiVersion') || !!pairOf(map, 'kind');
}

export function annotationsOf(metadata: YAMLMap | undefined): Record<string, string> {
  return stringRecord(mapAt(metadata, 'annotations'));
}

export function labelsOf(metadata: YAMLMap | undefined): Record<string, string> {
  return stringRecord(mapAt(metadata, 'labels'));
}
