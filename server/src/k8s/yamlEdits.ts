/**
 * Minimal text edits on a manifest, computed from node positions: insert, set or remove a key, add a
 * sequence item. New text follows the file's own indentation and sequence style; everything else,
 * comments and key order included, stays byte-identical. Flow collections (`resources: {}`, JSON
 * manifests) get flow-style insertions. An edit that cannot be made safely returns undefined, and the
 * rule then offers no fix.
 */
import { isMap, isPair, isScalar, isSeq, stringify, visit, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { TextEdit } from '../engine/types';
import type { ManifestFile } from './manifestFile';
import { isNullish, keyName, pairOf } from './nodes';

export type YamlValue = string | number | boolean | readonly YamlValue[] | { readonly [key: string]: YamlValue };

export interface EditStyle {
  /** Spaces per nesting level of block mappings. */
  indentUnit: number;
  /** `key:\n  - item` (true) rather than `key:\n- item`. */
  seqIndented: boolean;
  /** Quote keys and strings as JSON does. */
  json: boolean;
}

const styles = new WeakMap<ManifestFile, EditStyle>();

/** The file's indentation unit and sequence style, from the first nested block mapping and sequence. */
export function styleOf(file: ManifestFile): EditStyle {
  let style = styles.get(file);
  if (style) return style;
  let indentUnit: number | undefined;
  let seqIndented: boolean | undefined;
  for (const doc of file.documents) {
    visit(doc, {
      Pair(_, pair) {
        const key = pair.key as Node | null;
        const value = pair.value as Node | null;
        if (!key?.range || !value?.range || (value as YAMLMap).flow) return;
        const keyCol = file.columnOf(key.range[0]);
        // A mapping value must start its own line to tell the indentation (not `- name: x`).
        if (indentUnit === undefined && isMap(value) && file.startsLine(value.range![0]) && file.startsLine(key.range[0])) {
          const unit = file.columnOf(value.range![0]) - keyCol;
          if (unit > 0) indentUnit = unit;
        }
        if (seqIndented === undefined && isSeq(value) && file.startsLine(key.range[0])) {
          seqIndented = file.columnOf(value.range![0]) > keyCol;
        }
        if (indentUnit !== undefined && seqIndented !== undefined) return visit.BREAK;
      },
    });
    if (indentUnit !== undefined && seqIndented !== undefined) break;
  }
  style = { indentUnit: indentUnit ?? 2, seqIndented: seqIndented ?? true, json: file.isJson };
  styles.set(file, style);
  return style;
}

/** Builds edits for one file. */
export class YamlEditor {
  constructor(private readonly file: ManifestFile) {}

  private get style(): EditStyle {
    return styleOf(this.file);
  }

  /** Sets `map[path...]` to a scalar or structure, creating missing mappings along the way. */
  set(map: YAMLMap, path: readonly string[], value: YamlValue): TextEdit[] | undefined {
    return this.walk(map, path, value, (pair, parent) => this.replaceValue(pair, parent, value));
  }

  /** Adds `item` to the sequence at `map[path...]`, creating the sequence (and mappings) when missing. */
  addToSeq(map: YAMLMap, path: readonly string[], item: YamlValue): TextEdit[] | undefined {
    return this.walk(map, path, [item], (pair, parent) => {
      const value = pair.value as Node | null;
      if (isSeq(value)) return this.appendItem(value, item);
      return isNullish(value) ? this.fill(pair, parent, [item]) : undefined;
    });
  }

  /** Deletes a scalar-valued pair from a mapping. */
  removePair(map: YAMLMap, pair: Pair): TextEdit[] | undefined {
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
    const line = this.file.positionAt(key.range[0]).line;
    const commented = this.file.comments().some((c) => c.line === line && c.trailing);
    // Keep a trailing comment where it was; otherwise drop the whole line.
    if (commented) return [this.edit(key.range[0], end, '')];
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

  private replaceValue(pair: Pair, parent: YAMLMap, value: YamlValue): TextEdit[] | undefined {
    const node = pair.value as Node | null;
    if (isNullish(node)) return this.fill(pair, parent, value);
    if (!isScalar(node) || !node.range || !isScalarValue(value)) return undefined;
    return [this.edit(node.range[0], node.range[1], this.scalar(value))];
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
      : this.mapEntries(value as Record<string, YamlValue>, col + this.style.indentUnit);
    return this.insertLines(this.file.nextLineStartOf(key.range[1]), text);
  }

  private insertPair(map: YAMLMap, key: string, value: YamlValue): TextEdit[] | undefined {
    if (map.flow) return this.insertFlowItem(map, `${this.key(key)}: ${this.flow(value)}`);
    const first = map.items[0]?.key as Node | null | undefined;
    if (!first?.range) return undefined;
    const col = this.file.columnOf(first.range[0]);
    return this.insertLines(this.afterLastLine(map), this.blockPair(key, value, col));
  }

  private appendItem(seq: YAMLSeq, item: YamlValue): TextEdit[] | undefined {
    if (seq.flow) return this.insertFlowItem(seq, this.flow(item));
    if (!seq.range) return undefined;
    // A block sequence's range starts at its first `-`.
    const col = this.file.columnOf(seq.range[0]);
    return this.insertLines(this.afterLastLine(seq), this.seqItems([item], col));
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

  private mapEntries(value: Record<string, YamlValue>, col: number): string {
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
    // The YAML 1.1 emitter quotes what a YAML 1.1 reader (Kubernetes) would not read back as a string.
    return typeof value === 'string' ? stringify(value, { version: '1.1' }).trimEnd() : String(value);
  }

  private key(key: string): string {
    return this.style.json ? JSON.stringify(key) : key;
  }

  private edit(start: number, end: number, newText: string): TextEdit {
    return { range: this.file.range(start, end), newText };
  }
}

/** `['a', 'b'], v` -> `{a: {b: v}}`. */
function nest(path: readonly string[], leaf: YamlValue): YamlValue {
  return path.reduceRight<YamlValue>((acc, key) => ({ [key]: acc }), leaf);
}

function isScalarValue(v: YamlValue): v is string | number | boolean {
  return typeof v !== 'object';
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
