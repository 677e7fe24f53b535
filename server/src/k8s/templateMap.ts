/**
 * Where a finding on a rendered Helm document belongs in its template: the key path of the finding
 * in the rendered YAML, followed as far as it goes in the template read with its actions masked. A
 * key that only exists through an `include`/`toYaml` lands on the nearest ancestor the template has.
 */
import { isMap, isPair, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { Finding, Range } from '../engine/types';
import { maskedRanges } from './helm';
import { ManifestFile } from './manifestFile';
import { keyName, pairOf, stringOf } from './nodes';
import { yamlSyntax } from './rules/yamlSyntax';

type Segment = string | number;

/** The key path (mapping keys and sequence indexes) from a document's root to the node or key at `offset`. */
function pathTo(root: unknown, offset: number): Segment[] {
  const out: Segment[] = [];
  let node = root as Node | null;
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((p) => contains(p, offset));
      if (!pair) break;
      out.push(keyName(pair));
      if ((pair.key as Node | null)?.range?.[0] === offset) break;
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      const i = node.items.findIndex((item) => contains(item, offset));
      if (i < 0) break;
      out.push(i);
      node = node.items[i] as Node | null;
    } else break;
  }
  return out;
}

function contains(item: unknown, offset: number): boolean {
  if (isPair(item)) {
    const start = (item.key as Node | null)?.range?.[0];
    const end = ((item.value as Node | null)?.range ?? (item.key as Node | null)?.range)?.[1];
    return start !== undefined && end !== undefined && start <= offset && offset <= end;
  }
  const r = (item as Node | null)?.range;
  return !!r && r[0] <= offset && offset <= r[1];
}

/** Maps findings of one rendered template file back to the template's text. */
export class TemplateMap {
  private readonly rendered: ManifestFile;
  private readonly template: ManifestFile;
  private readonly masks: [number, number][];

  constructor(file: string, templateText: string, maskedText: string, renderedText: string) {
    this.rendered = new ManifestFile(file, renderedText, {});
    this.template = new ManifestFile(file, maskedText, {});
    this.masks = maskedRanges(templateText);
  }

  /** The finding at the template line of its key (no fixes: they were computed on the rendered text). */
  map(f: Finding): Finding {
    const offset = this.offsetIn(this.rendered, f.range);
    const docIndex = this.rendered.documents.findIndex((d) => d.range[0] <= offset && offset <= d.range[2]);
    const doc = this.rendered.documents[docIndex];
    const target = doc && this.templateDocFor(docIndex);
    const range = target ? this.locate(target.contents, pathTo(doc.contents, offset)) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return { ...f, range, fixes: [], related: undefined };
  }

  /**
   * True when a finding of the masked template sits on a key whose value is written out, with no
   * action in either; syntax errors count only in a template without actions.
   */
  isExplicit(f: Finding): boolean {
    // Masking can make errors of its own (both branches of an if/else give a key twice): only a template without actions has real ones.
    if (f.rule === yamlSyntax.id) return this.masks.length === 0;
    const offset = this.offsetIn(this.template, f.range);
    const pair = this.pairStartingAt(offset);
    if (!pair || ANCHOR_KEYS.has(keyName(pair))) return false;
    const value = pair.value as Node | null;
    const end = isScalar(value) && value.range ? value.range[1] : ((pair.key as Node | null)?.range?.[1] ?? offset);
    return isScalar(value) && !this.masks.some(([s, e]) => s < end && offset < e);
  }

  private offsetIn(file: ManifestFile, range: Range): number {
    const start = file.lines.lineStarts[range.start.line] ?? 0;
    return start + range.start.character;
  }

  private pairStartingAt(offset: number): Pair | undefined {
    let found: Pair | undefined;
    for (const doc of this.template.documents) {
      if (offset < doc.range[0] || offset > doc.range[2]) continue;
      let node = doc.contents as Node | null;
      for (const seg of pathTo(node, offset)) {
        if (typeof seg === 'number') node = isSeq(node) ? (node.items[seg] as Node) : null;
        else {
          const pair = isMap(node) ? node.items.find((p) => keyName(p) === seg) : undefined;
          if (!pair) break;
          if ((pair.key as Node | null)?.range?.[0] === offset) found = pair;
          node = pair.value as Node | null;
        }
      }
    }
    return found;
  }

  /** The template document a rendered one came from: the same kind at the same position among that kind, else the same position. */
  private templateDocFor(renderedIndex: number) {
    const kindOf = (file: ManifestFile, i: number) => stringOf(pairOf(isMap(file.documents[i].contents) ? file.documents[i].contents : undefined, 'kind')?.value);
    const kind = kindOf(this.rendered, renderedIndex);
    const ordinal = this.rendered.documents.slice(0, renderedIndex).filter((_, i) => kindOf(this.rendered, i) === kind).length;
    const sameKind = this.template.documents.filter((_, i) => kind !== undefined && kindOf(this.template, i) === kind);
    const withContent = this.template.documents.filter((d) => d.contents);
    return sameKind[Math.min(ordinal, sameKind.length - 1)] ?? withContent[Math.min(renderedIndex, withContent.length - 1)];
  }

  /** The range of the deepest key of `path` the template has (its key through a scalar value on the line). */
  private locate(root: unknown, path: readonly Segment[]): Range {
    let node = root as Node | null;
    let start = (node as Node | null)?.range?.[0] ?? 0;
    let end = start;
    for (const seg of path) {
      if (typeof seg === 'number') {
        const item = isSeq(node) ? (node.items[seg] as Node | undefined) : undefined;
        if (!item?.range) break;
        node = item;
        continue;
      }
      const pair = isMap(node) ? node.items.find((p) => keyName(p) === seg) : undefined;
      const key = pair?.key as Node | null | undefined;
      if (!pair || !key?.range) break;
      const value = pair.value as Node | null;
      start = key.range[0];
      end = isScalar(value) && value.range ? value.range[1] : key.range[1];
      node = value;
    }
    const range = this.template.range(start, end);
    if (range.end.line !== range.start.line) range.end = { line: range.start.line, character: range.start.character };
    return range;
  }
}

/** Keys where rules anchor findings about what an object lacks: without values such a finding is a guess. */
const ANCHOR_KEYS = new Set(['name', 'kind']);
