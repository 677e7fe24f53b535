import type { Position, Range, TextEdit } from './types';

/**
 * What ends a line. LSP (and so every editor) ends one at `\r\n`, `\r` or `\n`; tree-sitter counts
 * rows at `\n` only, as Go does. The two agree unless the text holds a lone `\r`.
 */
export type LineBreaks = 'lsp' | 'lf';

/** Maps between UTF-16 offsets and positions for one text (LSP positions unless told otherwise). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(
    readonly text: string,
    breaks: LineBreaks = 'lsp',
  ) {
    // indexOf searches natively: three times faster than a charCodeAt loop on large files.
    if (breaks === 'lf' || !hasLoneCR(text)) {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    } else {
      for (const m of text.matchAll(/\r\n?|\n/g)) this.starts.push(m.index + m[0].length);
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** Where the line's text ends: before its line break, or at the end of the text. */
  private lineEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.text.length;
    const next = this.starts[line + 1];
    return this.text.charCodeAt(next - 1) === 10 && this.text.charCodeAt(next - 2) === 13 ? next - 2 : next - 1;
  }

  offsetAt(pos: Position): number {
    if (pos.line >= this.starts.length) return this.text.length;
    const start = this.lineStart(pos.line);
    return Math.min(start + Math.max(0, pos.character), this.lineEnd(pos.line));
  }

  positionAt(offset: number): Position {
    offset = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }

  /** The text of one line without its line break. */
  lineText(line: number): string {
    const start = this.lineStart(line);
    return this.text.slice(start, Math.max(start, this.lineEnd(line)));
  }

  /** Leading whitespace of a line. */
  indentOf(line: number): string {
    return /^[ \t]*/.exec(this.lineText(line))![0];
  }
}

/** True when a `\r` not followed by `\n` ends a line for editors but not for tree-sitter or Go. */
export function hasLoneCR(text: string): boolean {
  return text.includes('\r') && /\r(?!\n)/.test(text);
}

/** The text with each lone `\r` replaced by `\n`: the same lines for parsers that only know `\n`, at the same offsets. */
export function loneCRsAsLF(text: string): string {
  return hasLoneCR(text) ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** Lone `\r`s among the characters [from, to) of `text` (a `\r` at to - 1 looks at text[to]). */
export function countLoneCRs(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\r', Math.max(0, from)); i >= 0 && i < to; i = text.indexOf('\r', i + 1)) {
    if (text.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

/**
 * Converts positions counted in tree-sitter rows (lines end at `\n` only) into LSP positions of the
 * same text, through offsets; undefined when the two agree (no lone `\r`), the usual case.
 */
export function rowsToLines(text: string): ((p: Position) => Position) | undefined {
  if (!hasLoneCR(text)) return undefined;
  const rows = new LineIndex(text, 'lf');
  const lines = new LineIndex(text, 'lsp');
  return (p) => lines.positionAt(rows.offsetAt(p));
}

/** A range through `map`; the same object when nothing moves. */
export function mapRange(range: Range, map: (p: Position) => Position): Range {
  return { start: map(range.start), end: map(range.end) };
}

/** Applies non-overlapping edits to a text; throws on overlap so a broken fix never goes unnoticed. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const index = new LineIndex(text);
  const spans = edits
    .map((e) => ({ start: index.offsetAt(e.range.start), end: index.offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let cursor = 0;
  for (const span of spans) {
    if (span.start < cursor) throw new Error(`overlapping edits at offset ${span.start}`);
    out += text.slice(cursor, span.start) + span.text;
    cursor = span.end;
  }
  return out + text.slice(cursor);
}

/** True when two edits touch overlapping text (insertions at the same point overlap too). */
export function editsOverlap(a: readonly TextEdit[], b: readonly TextEdit[], index: LineIndex): boolean {
  for (const x of a) {
    const xs = index.offsetAt(x.range.start);
    const xe = index.offsetAt(x.range.end);
    for (const y of b) {
      const ys = index.offsetAt(y.range.start);
      const ye = index.offsetAt(y.range.end);
      if (xs <= ye && ys <= xe) return true;
    }
  }
  return false;
}
