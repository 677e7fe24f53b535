/**
 * One manifest file parsed once: the `yaml` CST (for comments) and its composed documents (for
 * values and positions), with a LineCounter for LSP coordinates.
 */
import { Composer, LineCounter, Parser, type CST, type Document, type YAMLParseError } from 'yaml';
import type { LineComment } from '../engine/suppress';
import { loneCRsAsLF } from '../engine/text';
import type { Position, Range } from '../engine/types';
import { registerAliases } from './nodes';
import { looksLikeManifest, objectsOf, type K8sObject } from './objects';
import { parsesWithoutError } from './plainYaml';

/**
 * Collections nested deeper than this are not read (the `yaml` composer overflows the stack near
 * 1,200). Real manifests stay under 25 levels, CRD schemas included.
 */
const MAX_NESTING = 256;

/** Kubernetes reads YAML with go-yaml, i.e. YAML 1.1 scalars: `yes`/`on` are booleans there too. */
const PARSE_OPTIONS = { version: '1.1', prettyErrors: false } as const;

/**
 * Thrown by the constructor for a file nested deeper than MAX_NESTING: the analyzer reports the
 * file as skipped (a Notice) with the message as the reason, and blames no rule.
 */
export class NestedTooDeep extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(reason);
  }
}

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
  /**
   * `{{` where YAML reads structure or a plain value: a Go template (Helm, or any other) that is not
   * YAML until rendered. A `{{` in a quoted or block scalar (a dashboard in a ConfigMap) is ordinary text.
   */
  readonly isGoTemplate: boolean;
  private readonly commentTokens: CST.SourceToken[];
  private trailingByLine?: Map<number, number>;

  /** The file's text, lone `\r`s read as `\n` (same offsets). */
  readonly text: string;

  constructor(
    readonly path: string,
    text: string,
    /** The kinds some rule reads: documents of other kinds keep only their header (absent: parse all). */
    options: { readKinds?: ReadonlySet<string> } = {},
  ) {
    // YAML (go-yaml too) ends a line at a lone `\r`, as editors do; the `yaml` parser only at `\n`.
    this.text = text = loneCRsAsLF(text);
    this.isJson = path.toLowerCase().endsWith('.json');
    const parsed = options.readKinds ? blankUnreadDocuments(text, options.readKinds) : text;
    const cst = Array.from(new Parser(this.lines.addNewLine).parse(parsed));
    const { comments, hasAlias, literals, depth } = scanCst(cst, parsed.includes('{{'));
    // Composing recurses per level (so do rules walking values): past a bound the stack runs out.
    if (depth > MAX_NESTING) throw new NestedTooDeep(path, `not linted: nested ${depth} levels deep, more than the ${MAX_NESTING} LeakLens reads`);
    this.documents = Array.from(new Composer(PARSE_OPTIONS).compose(cst, true, text.length));
    // Of the text parsed: actions in a document only its header was kept of are not seen.
    this.isGoTemplate = literals !== undefined && hasActionOutside(parsed, literals);
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

/** Smaller documents are parsed whole unless a line scan proves their syntax (plainYaml.ts): their errors get reported. */
const BLANK_ABOVE_BYTES = 2048;
const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?:[ \t].*)?$/gm;
const TOP_LEVEL_KIND = /^kind:[ \t]*["']?([A-Za-z0-9]+)["']?[ \t]*(?:#.*)?$/m;

/**
 * The text to parse: a document whose top-level `kind:` no rule reads (a CRD schema, a dashboard
 * ConfigMap, a bundle of RBAC) keeps only its top-level `apiVersion`, `kind` and `metadata` lines
 * and its comments at column 0; the rest becomes blank block scalars of the same length (see
 * blankBody), so offsets and lines stay those of the file and the parser has next to nothing to
 * build. Over 2 KB its syntax is then not checked; under 2 KB it is blanked only when
 * parsesWithoutError proves there is no error to report, and parsed whole otherwise. Documents
 * with no top-level `kind:` line (JSON, flow style) and lists are parsed whole.
 */
function blankUnreadDocuments(text: string, readKinds: ReadonlySet<string>): string {
  const starts = [0, ...Array.from(text.matchAll(DOCUMENT_MARKER), (m) => m.index)];
  let out = '';
  let copied = 0;
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i];
    const end = starts[i + 1] ?? text.length;
    const doc = text.slice(start, end);
    const kind = TOP_LEVEL_KIND.exec(doc)?.[1];
    if (!kind || readKinds.has(kind) || kind.endsWith('List')) continue;
    if (end - start < BLANK_ABOVE_BYTES && !parsesWithoutError(doc)) continue;
    out += text.slice(copied, start) + blankBody(doc);
    copied = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * A document with only its marker, top-level apiVersion/kind, its metadata block and its comment
 * lines at column 0 left. Each run of other lines becomes one block scalar under a key of its own
 * (`z0: |1`, then spaces): the lexer reads the run as one token instead of a token per line.
 */
function blankBody(doc: string): string {
  const parts: string[] = [];
  let inMetadata = false;
  let inRun = false;
  let runs = 0;
  for (let start = 0; start < doc.length; ) {
    const nl = doc.indexOf('\n', start);
    const end = nl < 0 ? doc.length : nl;
    const first = doc.charCodeAt(start);
    const topLevel = end > start && first !== 0x20 && first !== 0x09 && first !== 0x23 && first !== 0x0d;
    if (topLevel) inMetadata = doc.startsWith('metadata:', start);
    const keep =
      (start === 0 && (doc.startsWith('---', 0) || doc.startsWith('...', 0))) ||
      (topLevel && (inMetadata || doc.startsWith('apiVersion:', start) || doc.startsWith('kind:', start))) ||
      (!topLevel && inMetadata) ||
      first === 0x23;
    const cr = end > start && doc.charCodeAt(end - 1) === 0x0d;
    const width = end - start - (cr ? 1 : 0);
    if (keep) {
      parts.push(doc.slice(start, end));
      inRun = false;
    } else {
      const header: string = inRun ? '' : `z${runs}: |1`;
      // A line too short for the header stays blank (and the run goes on as blank lines).
      const opens: boolean = header !== '' && width >= header.length && topLevel;
      if (opens) runs++;
      inRun ||= opens;
      parts.push((opens ? header : '') + ' '.repeat(width - (opens ? header.length : 0)) + (cr ? '\r' : ''));
    }
    if (nl < 0) break;
    parts.push('\n');
    start = nl + 1;
  }
  return parts.join('');
}

function syntaxProblem(error: YAMLParseError, text: string): SyntaxProblem {
  const [start, end] = error.pos;
  return {
    message: `YAML syntax error: ${error.message.split('\n')[0]}`,
    start: Math.min(start, text.length),
    end: Math.min(Math.max(end, start), text.length),
  };
}

/**
 * One pass over the CST: its comment tokens in source order, whether it uses aliases, how deep
 * collections nest and, when asked, the offsets of its quoted and block scalars. Iterative, since
 * collections can nest arbitrarily deep; each token type's children are read from its own fields
 * (a generic walk over every field name cost a tenth of the parse).
 */
function scanCst(
  tokens: readonly CST.Token[],
  withLiterals: boolean,
): { comments: CST.SourceToken[]; hasAlias: boolean; depth: number; literals?: [number, number][] } {
  const comments: CST.SourceToken[] = [];
  const literals: [number, number][] | undefined = withLiterals ? [] : undefined;
  let hasAlias = false;
  let depth = 0;
  // Tokens to visit and the number of collections around each.
  const stack: CST.Token[] = [];
  const depths: number[] = [];
  const push = (t: CST.Token | null | undefined, d: number) => {
    if (!t) return;
    stack.push(t);
    depths.push(d);
  };
  const pushAll = (ts: readonly CST.Token[] | undefined, d: number) => {
    if (ts) for (const t of ts) push(t, d);
  };
  for (const t of tokens) push(t, 0);
  while (stack.length > 0) {
    const t = stack.pop()!;
    const d = depths.pop()!;
    switch (t.type) {
      case 'comment':
        comments.push(t);
        break;
      case 'document':
        pushAll(t.start, d);
        push(t.value, d);
        pushAll(t.end, d);
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        const inner = d + 1;
        depth = Math.max(depth, inner);
        if (t.type === 'flow-collection') {
          push(t.start, inner);
          pushAll(t.end, inner);
        }
        for (const item of t.items as CST.CollectionItem[]) {
          pushAll(item.start, inner);
          push(item.key, inner);
          pushAll(item.sep, inner);
          push(item.value, inner);
        }
        break;
      }
      case 'alias':
        hasAlias = true;
        pushAll(t.end, d);
        break;
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
        literals?.push(literalRange(t));
        pushAll(t.end, d);
        break;
      case 'block-scalar':
        literals?.push(literalRange(t));
        pushAll(t.props, d);
        break;
      case 'scalar':
      case 'doc-end':
        pushAll(t.end, d);
        break;
    }
  }
  comments.sort((a, b) => a.offset - b.offset);
  return { comments, hasAlias, depth, literals };
}

/** Offsets of a quoted scalar, or of a block scalar from its `|`/`>` header to the end of its content. */
function literalRange(t: CST.FlowScalar | CST.BlockScalar): [number, number] {
  if (t.type !== 'block-scalar') return [t.offset, t.offset + t.source.length];
  const header = t.props.reduce((n, p) => n + ('source' in p ? p.source.length : 0), 0);
  return [t.offset, t.offset + header + t.source.length];
}

function hasActionOutside(text: string, literals: readonly [number, number][]): boolean {
  for (let at = text.indexOf('{{'); at >= 0; at = text.indexOf('{{', at + 2)) {
    if (!literals.some(([s, e]) => s <= at && at < e)) return true;
  }
  return false;
}
