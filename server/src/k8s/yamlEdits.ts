/**
 * Minimal text edits on a manifest, computed from node positions: insert, set or remove a key, add a
 * sequence item. New text follows the file's own indentation and sequence style; everything else,
 * comments and key order included, stays byte-identical. Flow collections (`resources: {}`, JSON
 * manifests) get flow-style insertions. An edit that cannot be made safely returns undefined, and the
 * rule then offers no fix.
 */
import { isMap, isPair, isScalar, isSeq, stringify, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { TextEdit } from '../engine/types';
import type { ManifestFile } from './manifestFile';
import { forEachNode, isNullish, keyName, pairOf } from './nodes';

export type YamlValue = string | number | boolean | readonly YamlValue[] | { readonly [key: string]: YamlValue };

export interface EditStyle {
  /** Spaces per nesting level of block mappings. */
  indentUnit: number;
  /** `key:\n  - item` (true) rather than `key:\n- item`. */
  seqIndented: boolean;
  /** Quote keys and strings as JSON does. */
  json: boolean;
  /** Line break of inserted lines: the file's own. */
  eol: '\n' | '\r\n';
}

type Layout = Pick<EditStyle, 'indentUnit' | 'seqIndented'>;

/** A document's indentation unit and sequence style, from its first nested block mapping and sequence. */
function layoutOf(doc: Document.Parsed, file: ManifestFile): Partial<Layout> {
  const found: Partial<Layout> = {};
  forEachNode(doc.contents, (item) => {
    if (!isPair(item)) return false;
    const key = item.key as Node | null;
    const value = item.value as Node | null;
    if (!key?.range || !value?.range || (value as YAMLMap).flow || !file.startsLine(key.range[0])) return false;
    const keyCol = file.columnOf(key.range[0]);
    // A mapping value must start its own line to tell the indentation (not `- name: x`).
    if (found.indentUnit === undefined && isMap(value) && file.startsLine(value.range[0])) {
      const unit = file.columnOf(value.range[0]) - keyCol;
      if (unit > 0) found.indentUnit = unit;
    }
    if (found.seqIndented === undefined && isSeq(value)) found.seqIndented = file.columnOf(value.range[0]) > keyCol;
    return found.indentUnit !== undefined && found.seqIndented !== undefined;
  });
  return found;
}

/** Edit styles of one file: each document's own layout, else the file's first, else 2 spaces and indented sequences. */
class FileStyles {
  private readonly layouts = new Map<Document.Parsed, Partial<Layout>>();
  private fileLayout?: Layout;
  private readonly json: boolean;
  private readonly eol: EditStyle['eol'];

  constructor(private readonly file: ManifestFile) {
    this.json = file.isJson;
    this.eol = file.text.includes('\r\n') ? '\r\n' : '\n';
  }

  /** The style for an edit in the document holding `offset`. */
  at(offset: number): EditStyle {
    const doc = this.file.documents.find((d) => d.range[0] <= offset && offset <= d.range[2]);
    const own = doc ? this.layout(doc) : {};
    const fallback = this.fileDefault();
    return {
      indentUnit: own.indentUnit ?? fallback.indentUnit,
      seqIndented: own.seqIndented ?? fallback.seqIndented,
      json: this.json,
      eol: this.eol,
    };
  }

  private layout(doc: Document.Parsed): Partial<Layout> {
    let layout = this.layouts.get(doc);
    if (!layout) this.layouts.set(doc, (layout = layoutOf(doc, this.file)));
    return layout;
  }

  private fileDefault(): Layout {
    if (!this.fileLayout) {
      const found: Partial<Layout> = {};
      for (const doc of this.file.documents) {
        const l = this.layout(doc);
        found.indentUnit ??= l.indentUnit;
        found.seqIndented ??= l.seqIndented;
        if (found.indentUnit !== undefined && found.seqIndented !== undefined) break;
      }
      this.fileLayout = { indentUnit: found.indentUnit ?? 2, seqIndented: found.seqIndented ?? true };
    }
    return this.fileLayout;
  }
}

/** Builds edits for one file. */
export class YamlEditor {
  private readonly styles: FileStyles;
  /** Style of the document the current public call edits (set on entry: edits never span documents). */
  private style!: EditStyle;

  /** `enabled: false` makes no edit at all (every call answers undefined): findings then carry no fix. */
  constructor(
    private readonly file: ManifestFile,
    private readonly options: { enabled?: boolean } = {},
  ) {
    this.styles = new FileStyles(file);
  }

  private enter(node: YAMLMap): void {
    this.style = this.styles.at(node.range?.[0] ?? 0);
  }

  /**
   * Sets `map[path...]` to a scalar or structure, creating missing mappings along the way. A mapping
   * value merges into an existing mapping: only the keys it lacks are added, the others are set.
   */
  set(map: YAMLMap, path: readonly string[], value: YamlValue): TextEdit[] | undefined {
    if (this.options.enabled === false) return undefined;
    this.enter(map);
    return intended(map, nest(path, value), this.walk(map, path, value, (pair, parent) => this.setPairValue(pair, parent, value)));
  }

  /** Adds `item` to the sequence at `map[path...]`, creating the sequence (and mappings) when missing. */
  addToSeq(map: YAMLMap, path: readonly string[], item: YamlValue): TextEdit[] | undefined {
    if (this.options.enabled === false) return undefined;
    this.enter(map);
    const append = new Append([item]);
    return intended(map, nestTree(path, append), this.walk(map, path, [item], (pair, parent) => this.setPairValue(pair, parent, append)));
  }

  /** The mapping an edit list of `set`/`addToSeq` adds to (undefined for other edits). */
  targetOf(edits: readonly TextEdit[]): YAMLMap | undefined {
    return intentOf.get(edits)?.map;
  }

  /**
   * One edit list doing what several lists returned by `set`/`addToSeq` on the same mapping do, as
   * if each were applied in turn: keys they all create go in one insertion (two fixes adding
   * `resources.requests` and `resources.limits` to a container make one `resources:`). Undefined
   * when they do not target one mapping or set one key to different values.
   */
  compose(lists: readonly (readonly TextEdit[])[]): TextEdit[] | undefined {
    const intents = lists.map((l) => intentOf.get(l));
    const map = intents[0]?.map;
    if (!map || intents.some((i) => i?.map !== map)) return undefined;
    let tree: Tree = {};
    for (const i of intents) {
      const merged = mergeTrees(tree, i!.tree);
      if (merged === undefined) return undefined;
      tree = merged;
    }
    this.enter(map);
    return this.merge(map, tree as TreeRecord);
  }

  /** Deletes a scalar-valued pair from a mapping. */
  removePair(map: YAMLMap, pair: Pair): TextEdit[] | undefined {
    if (this.options.enabled === false) return undefined;
    this.enter(map);
    const index = map.items.indexOf(pair);
    const key = pair.key as Node | null;
    const value = pair.value as Node | null;
    if (index < 0 || !key?.range || (value && !isScalar(value)) || map.items.length < 2) return undefined;
    const end = value?.range ? value.range[1] : key.range[1];
    if (map.flow) {
      const next = map.items[index + 1]?.key as Node | undefined;
      if (next?.range) return [this.edit(key.range[0], next.range[0], '')];
      const prev = map.items[index - 1];
      return [this.edit(lastContentEnd(prev), end, '')];
    }
    if (!this.file.startsLine(key.range[0])) return undefined;
    // Keep a trailing comment where it was (on its own line now); otherwise drop the whole line.
    const comment = this.file.trailingCommentAt(end);
    if (comment !== undefined) return [this.edit(key.range[0], comment, '')];
    return [this.edit(this.file.lineStartOf(key.range[0]), this.file.nextLineStartOf(end), '')];
  }

  private walk(
    map: YAMLMap,
    path: readonly string[],
    leaf: YamlValue,
    atLeaf: (pair: Pair, parent: YAMLMap) => TextEdit[] | undefined,
  ): TextEdit[] | undefined {
    let cur = map;
    for (let i = 0; i < path.length; i++) {
      const key = path[i];
      const pair = cur.items.find((p) => keyName(p) === key);
      const rest = nest(path.slice(i + 1), leaf);
      if (!pair) {
        // Present only through a `<<` merge: an own key would shadow the whole merged value.
        if (pairOf(cur, key)) return undefined;
        return this.insertPair(cur, key, rest);
      }
      if (i === path.length - 1) return atLeaf(pair, cur);
      const value = pair.value as Node | null;
      if (isMap(value)) cur = value;
      else if (isNullish(value) && !isAliasLike(value)) return this.fill(pair, cur, rest);
      else return undefined;
    }
    return undefined;
  }

  private setPairValue(pair: Pair, parent: YAMLMap, value: Tree): TextEdit[] | undefined {
    const node = pair.value as Node | null;
    if (isNullish(node) && !isAliasLike(node)) return this.fill(pair, parent, plain(value));
    if (value instanceof Append) return isSeq(node) ? this.appendItems(node, value.items) : undefined;
    if (isMap(node) && isRecord(value)) return this.merge(node, value);
    if (!isScalar(node) || !node.range || !isScalarValue(value)) return undefined;
    return [this.edit(node.range[0], node.range[1], this.scalar(value))];
  }

  /** Adds the entries a mapping lacks (in one insertion) and sets the ones it has. */
  private merge(map: YAMLMap, entries: TreeRecord): TextEdit[] | undefined {
    const edits: TextEdit[] = [];
    const missing: Record<string, YamlValue> = {};
    for (const [key, value] of Object.entries(entries)) {
      const pair = map.items.find((p) => keyName(p) === key);
      if (!pair) {
        if (pairOf(map, key)) return undefined;
        missing[key] = plain(value);
        continue;
      }
      const set = this.setPairValue(pair, map, value);
      if (!set) return undefined;
      edits.push(...set);
    }
    if (Object.keys(missing).length === 0) return edits;
    const inserted = this.insertPairs(map, missing);
    return inserted && [...edits, ...inserted];
  }

  /** Gives an empty (`key:`) or `null` value its first content. */
  private fill(pair: Pair, parent: YAMLMap, value: YamlValue): TextEdit[] | undefined {
    const key = pair.key as Node | null;
    const node = pair.value as Node | null;
    if (!key?.range) return undefined;
    const hasText = !!node?.range && node.range[1] > node.range[0];
    if (hasText) return [this.edit(node!.range![0], node!.range![1], this.flow(value))];
    // Right after the `:` (only spaces can sit between key and colon), ahead of any trailing comment.
    const at = this.file.text.indexOf(':', key.range[1]) + 1;
    if (at <= 0) return undefined;
    if (parent.flow || isScalarValue(value) || isEmptyValue(value)) return [this.edit(at, at, ` ${this.flow(value)}`)];
    const col = this.file.columnOf(key.range[0]);
    const text = Array.isArray(value)
      ? this.seqItems(value, col + (this.style.seqIndented ? this.style.indentUnit : 0))
      : this.mapEntries(value as Readonly<Record<string, YamlValue>>, col + this.style.indentUnit);
    return this.insertLines(this.file.nextLineStartOf(key.range[1]), text);
  }

  private insertPair(map: YAMLMap, key: string, value: YamlValue): TextEdit[] | undefined {
    return this.insertPairs(map, { [key]: value });
  }

  private insertPairs(map: YAMLMap, entries: Readonly<Record<string, YamlValue>>): TextEdit[] | undefined {
    if (map.flow) {
      const items = Object.entries(entries).map(([k, v]) => `${this.key(k)}: ${this.flow(v)}`);
      return this.insertFlowItem(map, items.join(', '));
    }
    const first = map.items[0]?.key as Node | null | undefined;
    if (!first?.range) return undefined;
    return this.insertLines(this.afterLastLine(map), this.mapEntries(entries, this.file.columnOf(first.range[0])));
  }

  private appendItems(seq: YAMLSeq, items: readonly YamlValue[]): TextEdit[] | undefined {
    if (seq.flow) return this.insertFlowItem(seq, items.map((i) => this.flow(i)).join(', '));
    if (!seq.range) return undefined;
    // A block sequence's range starts at its first `-`.
    const col = this.file.columnOf(seq.range[0]);
    return this.insertLines(this.afterLastLine(seq), this.seqItems(items, col));
  }

  private insertFlowItem(collection: YAMLMap | YAMLSeq, itemText: string): TextEdit[] | undefined {
    if (!collection.range) return undefined;
    const items = collection.items as unknown[];
    if (items.length === 0) return [this.edit(collection.range[0] + 1, collection.range[0] + 1, itemText)];
    const last = items[items.length - 1];
    const lastStart = startOf(last);
    const end = lastContentEnd(last);
    if (lastStart === undefined) return undefined;
    // One item per line (pretty-printed JSON): the new item gets its own line, aligned with the last.
    const onOwnLine =
      this.file.startsLine(lastStart) &&
      this.file.positionAt(lastStart).line !== this.file.positionAt(collection.range[0]).line;
    const sep = onOwnLine ? `,\n${' '.repeat(this.file.columnOf(lastStart))}` : ', ';
    return [this.edit(end, end, sep + itemText)];
  }

  /** Start of the line after the node's last line of content (trailing comment lines not counted). */
  private afterLastLine(node: YAMLMap | YAMLSeq): number {
    let end = lastContentEnd(node);
    while (end > 0 && /\s/.test(this.file.text[end - 1])) end--;
    return this.file.nextLineStartOf(Math.max(0, end - 1));
  }

  /** Inserts whole lines (`text` ends with a newline) at a line start, or after the last line of the file. */
  private insertLines(at: number, text: string): TextEdit[] {
    const t = this.file.text;
    if (at >= t.length && t.length > 0 && t[t.length - 1] !== '\n') return [this.edit(t.length, t.length, `\n${text.slice(0, -1)}`)];
    return [this.edit(at, at, text)];
  }

  private blockPair(key: string, value: YamlValue, col: number): string {
    const pad = ' '.repeat(col);
    if (isScalarValue(value) || isEmptyValue(value)) return `${pad}${key}: ${this.flow(value)}\n`;
    if (Array.isArray(value)) {
      return `${pad}${key}:\n${this.seqItems(value, col + (this.style.seqIndented ? this.style.indentUnit : 0))}`;
    }
    return `${pad}${key}:\n${this.mapEntries(value as Record<string, YamlValue>, col + this.style.indentUnit)}`;
  }

  private mapEntries(value: Readonly<Record<string, YamlValue>>, col: number): string {
    return Object.entries(value)
      .map(([k, v]) => this.blockPair(k, v, col))
      .join('');
  }

  private seqItems(items: readonly YamlValue[], col: number): string {
    const pad = ' '.repeat(col);
    return items
      .map((item) => {
        if (isScalarValue(item) || Array.isArray(item) || isEmptyValue(item)) return `${pad}- ${this.flow(item)}\n`;
        // The first entry shares the `- ` line; the others align with it.
        const body = this.mapEntries(item as Record<string, YamlValue>, col + 2);
        return `${pad}- ${body.slice(col + 2)}`;
      })
      .join('');
  }

  /** One-line flow rendering: `{a: 1, b: [x]}`, or JSON in JSON manifests. */
  private flow(value: YamlValue): string {
    if (isScalarValue(value)) return this.scalar(value);
    if (Array.isArray(value)) return `[${value.map((v) => this.flow(v)).join(', ')}]`;
    const entries = Object.entries(value as Record<string, YamlValue>);
    return `{${entries.map(([k, v]) => `${this.key(k)}: ${this.flow(v)}`).join(', ')}}`;
  }

  private scalar(value: string | number | boolean): string {
    if (this.style.json) return JSON.stringify(value);
    if (typeof value !== 'string') return String(value);
    // Words, quantities and durations (100m, 128Mi, 10s, RuntimeDefault) are plain: no emitter needed.
    if (PLAIN_SAFE.test(value)) return value;
    return emitted(value);
  }

  private key(key: string): string {
    return this.style.json ? JSON.stringify(key) : key;
  }

  /** New text is built with `\n`; CRLF files get CRLF. */
  private edit(start: number, end: number, newText: string): TextEdit {
    const text = this.style.eol === '\n' ? newText : newText.replaceAll('\n', this.style.eol);
    return { range: this.file.range(start, end), newText: text };
  }
}

/** The emitter's answers: fixes insert the same few values (`128Mi`, `100m`) over and over. */
const emittedStrings = new Map<string, string>();
const MAX_EMITTED = 1000;

/** The YAML 1.1 emitter quotes what a YAML 1.1 reader (Kubernetes) would not read back as a string. */
function emitted(value: string): string {
  let text = emittedStrings.get(value);
  if (text === undefined) {
    if (emittedStrings.size >= MAX_EMITTED) emittedStrings.clear();
    emittedStrings.set(value, (text = stringify(value, { version: '1.1' }).trimEnd()));
  }
  return text;
}

/**
 * Strings a YAML 1.1 reader takes back as the same string: a letter first (no number, no
 * indicator), then letters, digits, `.`, `_`, `-`, `/`; and not one of 1.1's booleans or null.
 */
const PLAIN_SAFE = /^(?!(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$)[A-Za-z][A-Za-z0-9._/-]*$/;

/** `['a', 'b'], v` -> `{a: {b: v}}`. */
function nest(path: readonly string[], leaf: YamlValue): YamlValue {
  return path.reduceRight<YamlValue>((acc, key) => ({ [key]: acc }), leaf);
}

/** Items to add to a sequence (or to make it with, when it is missing). */
class Append {
  constructor(readonly items: readonly YamlValue[]) {}
}

/** What an edit wants a mapping to hold: values to set, with `Append` where items join a sequence. */
type Tree = YamlValue | Append | TreeRecord;
interface TreeRecord {
  readonly [key: string]: Tree;
}

function nestTree(path: readonly string[], leaf: Tree): Tree {
  return path.reduceRight<Tree>((acc, key) => ({ [key]: acc }), leaf);
}

/** The value as written when its key is new: an `Append` becomes the sequence of its items. */
function plain(v: Tree): YamlValue {
  if (v instanceof Append) return v.items;
  if (isScalarValue(v) || Array.isArray(v)) return v as YamlValue;
  return Object.fromEntries(Object.entries(v as TreeRecord).map(([k, x]) => [k, plain(x)]));
}

/** Both trees at once; undefined when they set one key to different values. */
function mergeTrees(a: Tree, b: Tree): Tree | undefined {
  if (a instanceof Append && b instanceof Append) return new Append([...a.items, ...b.items.filter((i) => !a.items.includes(i))]);
  if (isTreeRecord(a) && isTreeRecord(b)) {
    const out: Record<string, Tree> = { ...a };
    for (const [k, v] of Object.entries(b)) {
      const merged = k in out ? mergeTrees(out[k], v) : v;
      if (merged === undefined) return undefined;
      out[k] = merged;
    }
    return out;
  }
  return isScalarValue(a) && a === b ? a : undefined;
}

function isTreeRecord(v: Tree): v is TreeRecord {
  return typeof v === 'object' && !Array.isArray(v) && !(v instanceof Append);
}

/** The intent behind each edit list `set`/`addToSeq` returned, for `compose`. */
const intentOf = new WeakMap<readonly TextEdit[], { map: YAMLMap; tree: Tree }>();

function intended(map: YAMLMap, tree: Tree, edits: TextEdit[] | undefined): TextEdit[] | undefined {
  if (edits) intentOf.set(edits, { map, tree });
  return edits;
}

function isScalarValue(v: Tree): v is string | number | boolean {
  return typeof v !== 'object';
}

function isRecord(v: Tree): v is TreeRecord {
  return isTreeRecord(v);
}

function isEmptyValue(v: YamlValue): boolean {
  return Array.isArray(v) ? v.length === 0 : typeof v === 'object' && Object.keys(v).length === 0;
}

function isAliasLike(node: Node | null): boolean {
  return !!node && !isScalar(node) && !isMap(node) && !isSeq(node);
}

function startOf(item: unknown): number | undefined {
  const node = (isPair(item) ? item.key : item) as Node | null;
  return node?.range?.[0];
}

/** Offset just past the last character of content of a node, pair or collection item. */
function lastContentEnd(item: unknown): number {
  if (isPair(item)) {
    const value = item.value as Node | null;
    if (value?.range && value.range[1] > value.range[0]) return lastContentEnd(value);
    return (item.key as Node | null)?.range?.[1] ?? 0;
  }
  const node = item as Node;
  if ((isMap(node) || isSeq(node)) && !node.flow && node.items.length > 0) {
    return lastContentEnd(node.items[node.items.length - 1]);
  }
  return node?.range?.[1] ?? 0;
}
