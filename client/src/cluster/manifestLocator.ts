/**
 * Finds where a workspace defines a cluster object: the YAML document (or `kind: List` item) with
 * the same kind and name, in the same namespace or in none (manifests often leave the namespace to
 * `kubectl -n`). Parsed with the `yaml` package's Document API; templates that are not YAML yet
 * (Helm) simply do not match.
 */
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode } from 'yaml';
import type { ObjectRef } from './kube';

export interface ManifestLocation {
  file: string;
  /** Zero-based position of the object's `metadata.name` value (or of the document). */
  line: number;
  character: number;
  /** The manifest names the namespace explicitly (a stronger match than none). */
  namespaceMatched: boolean;
}

function scalarAt(node: unknown, ...keys: string[]): { value: unknown; node?: YamlNode } {
  let cur: unknown = node;
  for (const k of keys) {
    if (!isMap(cur)) return { value: undefined };
    cur = cur.get(k, true);
  }
  const n = cur as YamlNode | undefined;
  return { value: n && 'value' in n ? (n as { value: unknown }).value : undefined, node: n };
}

/** Every match in one file's text; best matches (namespace named explicitly) first. */
export function findInManifest(file: string, text: string, ref: ObjectRef): ManifestLocation[] {
  const lineCounter = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false });
  } catch {
    return [];
  }
  if (!Array.isArray(docs)) return [];
  const out: ManifestLocation[] = [];
  const consider = (obj: unknown, fallbackOffset: number) => {
    if (!isMap(obj)) return;
    if (scalarAt(obj, 'kind').value === 'List') {
      const items = obj.get('items', true);
      if (isSeq(items)) for (const item of items.items) consider(item, (item as YamlNode).range?.[0] ?? fallbackOffset);
      return;
    }
    if (scalarAt(obj, 'kind').value !== ref.kind) return;
    const name = scalarAt(obj, 'metadata', 'name');
    if (name.value !== ref.name) return;
    const ns = scalarAt(obj, 'metadata', 'namespace').value;
    if (ns !== undefined && ns !== null && ns !== '' && ns !== ref.namespace) return;
    const offset = name.node?.range?.[0] ?? fallbackOffset;
    const pos = lineCounter.linePos(offset);
    out.push({ file, line: pos.line - 1, character: pos.col - 1, namespaceMatched: ns === ref.namespace });
  };
  for (const doc of docs) {
    if (doc.errors.length) continue;
    consider(doc.contents, doc.contents?.range?.[0] ?? 0);
  }
  return out;
}

/** Matches across files, explicit-namespace matches first, then by path. */
export function rankLocations(all: ManifestLocation[]): ManifestLocation[] {
  return [...all].sort((a, b) => Number(b.namespaceMatched) - Number(a.namespaceMatched) || a.file.localeCompare(b.file) || a.line - b.line);
}
