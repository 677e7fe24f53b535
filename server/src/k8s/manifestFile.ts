/**
 * One manifest file parsed once: the `yaml` CST (for comments) and its composed documents (for
 * values and positions), with a LineCounter for LSP coordinates.
 */
import { Composer, LineCounter, Parser, type CST, type Document, type YAMLParseError } from 'yaml';
import type { LineComment } from '../engine/suppress';
import { loneCRsAsLF } from '../engine/text';
import { InputNotAnalyzed, type Position, type Range } from '../engine/types';
import { registerAliases } from './nodes';
import { looksLikeManifest, objectsOf, type K8sObject } from './objects';

/**
 * Collections nested deeper than this are not read (the `yaml` composer overflows the stack near
 * 1,200). Real manifests stay under 25 levels, CRD schemas included.
 */
const MAX_NESTING = 256;

/** Kubernetes reads YAML with go-yaml, i.e. YAML 1.1 scalars: `yes`/`on` are booleans there too. */
const PARSE_OPTIONS = { version: '1.1', prettyErrors: false } as const;

export interface SyntaxProblem {
  message: string;
  /** Offsets of the offending text. */
  start: number;
  end: number;
}

export class ManifestFile {
  readonly lines = new LineCounter();
  readonly documents: Document.Parsed[];
  /** Every Kubernetes object of the file, `List` items included, in source order. */
  readonly objects: K8sObject[] = [];
  /** The first error of each broken document that looks like a manifest. */
  readonly syntaxErrors: SyntaxProblem[] = [];
  /** JSON manifests get JSON-style fixes (quoted keys, no block syntax). */
  readonly isJson: boolean;
  private readonly commentTokens: CST.SourceToken[];
  private trailingByLine?: Map<number, number>;

  /** The file's text, lone `\r`s read as `\n` (same offsets). */
  readonly text: string;

  constructor(
    readonly path: string,
    text: string,
  ) {
    // YAML (go-yaml too) ends a line at a lone `\r`, as editors do; the `yaml` parser only at `\n`.
    this.text = text = loneCRsAsLF(text);
    this.isJson = path.toLowerCase().endsWith('.json');
    const cst = Array.from(new Parser(this.lines.addNewLine).parse(text));
    const { comments, hasAlias, depth } = scanCst(cst);
    // Composing recurses per level (so do rules walking values): past a bound the stack runs out.
    if (depth > MAX_NESTING) throw new InputNotAnalyzed(path, `nested ${depth} levels deep, more than the ${MAX_NESTING} LeakLens reads`);
    this.documents = Array.from(new Composer(PARSE_OPTIONS).compose(cst, true, text.length));
    this.commentTokens = comments;
    const broken: Document.Parsed[] = [];
    for (const doc of this.documents) {
      if (doc.errors.length > 0) {
        broken.push(doc);
        continue;
      }
      if (hasAlias) registerAliases(doc);
      this.objects.push(...objectsOf(doc));
    }
    // A broken document is reported only when it is recognizably a manifest, or sits among manifests:
    // a broken CI workflow or Compose file is the YAML extension's business, not ours.
    for (const doc of broken) {
      if (this.objects.length > 0 || looksLikeManifest(doc.contents)) this.syntaxErrors.push(syntaxProblem(doc.errors[0], text));
    }
  }

  positionAt(offset: number): Position {
    const { line, col } = this.lines.linePos(Math.max(0, Math.min(offset, this.text.length)));
    return { line: Math.max(0, line - 1), character: Math.max(0, col - 1) };
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** Offset where the line holding `offset` starts. */
  lineStartOf(offset: number): number {
    const starts = this.lines.lineStarts;
    return starts[this.positionAt(offset).line] ?? 0;
  }

  /** Offset just past the line break of the line holding `offset` (the text length on the last line). */
  nextLineStartOf(offset: number): number {
    const starts = this.lines.lineStarts;
    const next = starts[this.positionAt(offset).line + 1];
    return next ?? this.text.length;
  }

  /** Zero-based column of an offset. */
  columnOf(offset: number): number {
    return offset - this.lineStartOf(offset);
  }

  /** True when only spaces precede `offset` on its line. */
  startsLine(offset: number): boolean {
    return this.text.slice(this.lineStartOf(offset), offset).trim() === '';
  }

  /** Every `#` comment with its line, from the CST (also comments the composed documents drop). */
  comments(): LineComment[] {
    return this.commentTokens.map((t) => ({
      line: this.positionAt(t.offset).line,
      text: t.source.slice(1).trim(),
      trailing: !this.startsLine(t.offset),
    }));
  }

  /** Offset of the comment that ends the line holding `offset`, when code precedes it on that line. */
  trailingCommentAt(offset: number): number | undefined {
    if (!this.trailingByLine) {
      this.trailingByLine = new Map();
      for (const t of this.commentTokens) {
        if (!this.startsLine(t.offset)) this.trailingByLine.set(this.positionAt(t.offset).line, t.offset);
      }
    }
    return this.trailingByLine.get(this.positionAt(offset).line);
  }

  /** The object whose mapping holds `offset` (objects are in source order and do not overlap). */
  objectAt(offset: number): K8sObject | undefined {
    let lo = 0;
    let hi = this.objects.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [start, , end] = this.objects[mid].node.range ?? [0, 0, 0];
      if (offset < start) hi = mid - 1;
      else if (offset >= end) lo = mid + 1;
      else return this.objects[mid];
    }
    return undefined;
  }

}

function syntaxProblem(error: YAMLParseError, text: string): SyntaxProblem {
  const [start, end] = error.pos;
  return {
    message: `YAML syntax error: ${error.message.split('\n')[0]}`,
    start: Math.min(start, text.length),
    end: Math.min(Math.max(end, start), text.length),
  };
}

const CHILD_FIELDS = ['start', 'key', 'sep', 'value', 'end', 'props', 'items'] as const;

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/**
 * One pass over the CST: its comment tokens in source order, whether it uses aliases, and how deep
 * collections nest. Iterative, since collections can nest arbitrarily deep.
 */
function scanCst(tokens: readonly CST.Token[]): { comments: CST.SourceToken[]; hasAlias: boolean; depth: number } {
  const comments: CST.SourceToken[] = [];
  let hasAlias = false;
  let depth = 0;
  const stack: { token: unknown; depth: number }[] = tokens.map((token) => ({ token, depth: 0 }));
  while (stack.length > 0) {
    const item = stack.pop()!;
    const t = item.token as Record<string, unknown>;
    if (t.type === 'comment') comments.push(t as unknown as CST.SourceToken);
    else if (t.type === 'alias') hasAlias = true;
    const inner = COLLECTIONS.has(t.type as string) ? item.depth + 1 : item.depth;
    depth = Math.max(depth, inner);
    for (const field of CHILD_FIELDS) {
      const v = t[field];
      if (Array.isArray(v)) for (const c of v) stack.push({ token: c, depth: inner });
      else if (v && typeof v === 'object') stack.push({ token: v, depth: inner });
    }
  }
  comments.sort((a, b) => a.offset - b.offset);
  return { comments, hasAlias, depth };
}
