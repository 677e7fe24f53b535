/**
 * One manifest file parsed once: the `yaml` CST (for comments) and its composed documents (for
 * values and positions), with a LineCounter for LSP coordinates.
 */
import { Composer, LineCounter, Parser, type CST, type Document, type YAMLParseError } from 'yaml';
import type { LineComment } from '../engine/suppress';
import type { Position, Range } from '../engine/types';
import { registerAliases } from './nodes';
import { looksLikeManifest, objectsOf, type K8sObject } from './objects';

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
  private readonly cst: CST.Token[];
  private commentList?: LineComment[];

  constructor(
    readonly path: string,
    readonly text: string,
  ) {
    this.isJson = path.toLowerCase().endsWith('.json');
    this.cst = Array.from(new Parser(this.lines.addNewLine).parse(text));
    this.documents = Array.from(new Composer(PARSE_OPTIONS).compose(this.cst, true, text.length));
    const hasAliases = text.includes('*') && this.cst.some(containsAlias);
    const broken: Document.Parsed[] = [];
    for (const doc of this.documents) {
      if (doc.errors.length > 0) {
        broken.push(doc);
        continue;
      }
      if (hasAliases) registerAliases(doc);
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
    if (!this.commentList) {
      const tokens: CST.SourceToken[] = [];
      for (const t of this.cst) collectComments(t, tokens);
      this.commentList = tokens.map((t) => ({
        line: this.positionAt(t.offset).line,
        text: t.source.slice(1).trim(),
        trailing: !this.startsLine(t.offset),
      }));
    }
    return this.commentList;
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

type AnyToken = CST.Token | CST.CollectionItem;

/** Child tokens of a CST token, whatever its type. */
function* children(t: AnyToken): Generator<AnyToken> {
  const rec = t as unknown as Record<string, unknown>;
  for (const field of ['start', 'key', 'sep', 'value', 'end', 'props', 'items']) {
    const v = rec[field];
    if (Array.isArray(v)) yield* v as AnyToken[];
    else if (v && typeof v === 'object') yield v as AnyToken;
  }
}

function collectComments(t: AnyToken, out: CST.SourceToken[]): void {
  if ('type' in t && t.type === 'comment') out.push(t as CST.SourceToken);
  for (const c of children(t)) collectComments(c, out);
}

function containsAlias(t: AnyToken): boolean {
  if ('type' in t && t.type === 'alias') return true;
  for (const c of children(t)) if (containsAlias(c)) return true;
  return false;
}
