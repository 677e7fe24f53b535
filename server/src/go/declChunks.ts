/**
 * Where a Go file's top-level declarations begin, without parsing it: a scan that tracks only what
 * can hide a line start (comments, string, raw string and rune literals) and bracket depth. It lets
 * a lint run hand tree-sitter just the declarations some rule will check (see partialParse.ts);
 * tree-sitter still does all the parsing. A declaration starts on a line that begins, outside any
 * bracket, with `func`, `type`, `var`, `const` or `import`, as gofmt writes them; code that is laid
 * out otherwise only yields fewer, larger chunks.
 */
import { isIdentifierChar } from './words';

/** A run of whole lines: a declaration with the comment lines right above it, or the file header. */
export interface Chunk {
  /** Offset of the first line's start. */
  start: number;
  /** Offset just past the last line (its newline included), or the end of the text. */
  end: number;
  /** Row of the first line. */
  row: number;
  /** Where the chunk ends: the next chunk's first row at column 0, or the end of the text. */
  endRow: number;
  endColumn: number;
  /** The keyword the declaration starts with; undefined for the header (package clause and what precedes the first declaration). */
  keyword?: string;
  /** Where its comments are, as [start, end) offset pairs in order: words there are no code. */
  comments: readonly number[];
  /** For a `func` chunk, the name of the function or method it declares (a method's without the receiver), where this scan can read it. */
  funcName?: string;
  /** Set when another declaration starts inside it, after a `;` or on an indented line: then it declares more than its first. */
  holdsMore?: true;
}

const KEYWORDS = ['func', 'type', 'var', 'const', 'import'];

const NO_COMMENTS: readonly number[] = [];

/** Line breaks, brackets, and what may open a comment or a literal: ASCII codes the scan acts on inside brackets. */
const ENDS_A_RUN = new Uint8Array(128);
for (const c of '\n/`"\'()[]{}') ENDS_A_RUN[c.charCodeAt(0)] = 1;

/** What a line held, for attaching comment lines to the declaration below them. */
const enum Line {
  Blank,
  Comment,
  Code,
}

/** The last text scanned and its chunks: the parse plan, the process-lifetime facts and the goroutine model each ask for the same file's. */
let last: { text: string; chunks: readonly Chunk[] | undefined } | undefined;

/**
 * The file cut into chunks at top-level declarations, in order and covering all of it; undefined
 * when the scan ends inside a bracket, comment or literal (half-typed code), where it cannot tell.
 */
export function declChunks(text: string): readonly Chunk[] | undefined {
  if (last?.text !== text) last = { text, chunks: scanChunks(text) };
  return last.chunks;
}

function scanChunks(text: string): Chunk[] | undefined {
  const n = text.length;
  const lineKinds: Line[] = [];
  const lineStarts: number[] = [0];
  /** The rows of lines that start a declaration, with its keyword. */
  const starts: DeclStart[] = [];
  const comments: number[] = [];
  /** Offsets of declarations that start no line. */
  const inlineDecls: number[] = [];
  let kind = Line.Blank;
  let depth = 0;
  let atLineStart = true;
  /** Outside brackets, after a `;` or only blanks and comments since the line start: where a declaration may begin. */
  let declMayStart = true;
  const newLine = (at: number) => {
    lineKinds.push(kind);
    lineStarts.push(at + 1);
    kind = Line.Blank;
  };
  /** Ends the lines a comment or raw string from `from` to `to` spans; the lines it goes on to hold it (`inner`). */
  const endLinesWithin = (from: number, to: number, inner: Line) => {
    for (let nl = text.indexOf('\n', from); nl >= 0 && nl < to; nl = text.indexOf('\n', nl + 1)) {
      newLine(nl);
      kind = inner;
    }
  };
  for (let i = 0; i < n; ) {
    if (atLineStart) {
      atLineStart = false;
      const keyword = depth === 0 ? keywordAt(text, i) : undefined;
      if (keyword) starts.push({ row: lineStarts.length - 1, keyword });
    }
    if (depth > 0 && kind === Line.Code) {
      // Inside brackets, on a line that already holds code, only these characters change what the scan knows.
      while (i < n && !ENDS_A_RUN[text.charCodeAt(i)]) i++;
      if (i === n) break;
    }
    const c = text.charCodeAt(i);
    if (c === 10) {
      newLine(i);
      atLineStart = true;
      declMayStart = depth === 0;
      i++;
    } else if (c === 32 || c === 9 || c === 13) {
      i++;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      // `//` runs to the end of the line.
      if (kind === Line.Blank) kind = Line.Comment;
      const end = text.indexOf('\n', i);
      comments.push(i, (i = end < 0 ? n : end));
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      // `/*` may span lines; the lines it covers alone are comment lines.
      if (kind === Line.Blank) kind = Line.Comment;
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      const lines = lineStarts.length;
      endLinesWithin(i, end, Line.Comment);
      // A comment with a line break in it ends a statement as a line break would.
      if (lineStarts.length > lines && depth === 0) declMayStart = true;
      comments.push(i, (i = end + 2));
    } else if (c === 96) {
      // A raw string may span lines; its lines are code.
      kind = Line.Code;
      declMayStart = false;
      const end = text.indexOf('`', i + 1);
      if (end < 0) return undefined;
      endLinesWithin(i, end, Line.Code);
      i = end + 1;
    } else {
      kind = Line.Code;
      if (depth === 0) {
        if (declMayStart && i !== lineStarts[lineStarts.length - 1] && keywordAt(text, i)) inlineDecls.push(i);
        declMayStart = c === 59;
      }
      if (c === 34 || c === 39) {
        // "…" and '…' end at an unescaped quote on the same line.
        i = quotedEnd(text, i, c);
        if (i < 0) return undefined;
        continue;
      }
      if (c === 40 || c === 91 || c === 123) depth++;
      else if (c === 41 || c === 93 || c === 125) depth--;
      i++;
      // The rest of a word holds nothing the scan looks for.
      if (isIdentifierChar(c)) while (i < n && isIdentifierChar(text.charCodeAt(i))) i++;
    }
  }
  if (depth !== 0) return undefined;
  lineKinds.push(kind);
  return cut(text, starts, lineKinds, lineStarts, comments, inlineDecls);
}

interface DeclStart {
  row: number;
  keyword: string;
}

/**
 * Chunks from declaration starts: each takes the comment lines right above it (its doc comment, a
 * suppression), the comments within it and, for a function or method, its name.
 */
function cut(text: string, starts: DeclStart[], lineKinds: Line[], lineStarts: number[], comments: number[], inlineDecls: number[]): Chunk[] {
  const chunks: Chunk[] = [];
  const lastRow = lineStarts.length - 1;
  const textEnd = { end: text.length, endRow: lastRow, endColumn: text.length - lineStarts[lastRow] };
  let previousRow = -1;
  const begins = starts.map((s) => {
    let row = s.row;
    while (row - 1 > previousRow && lineKinds[row - 1] === Line.Comment) row--;
    previousRow = s.row;
    return { row, start: lineStarts[row], keyword: s.keyword, at: lineStarts[s.row] };
  });
  const endBefore = (next: { start: number; row: number } | undefined) =>
    next ? { end: next.start, endRow: next.row, endColumn: 0 } : textEnd;
  if (begins.length === 0 || begins[0].start > 0) chunks.push({ start: 0, row: 0, ...endBefore(begins[0]), comments: NO_COMMENTS });
  begins.forEach((b, k) => {
    const chunk: Chunk = { start: b.start, row: b.row, keyword: b.keyword, ...endBefore(begins[k + 1]), comments: NO_COMMENTS };
    if (b.keyword === 'func') chunk.funcName = declaredName(text, b.at);
    chunks.push(chunk);
  });
  let inline = 0;
  for (const chunk of chunks) {
    while (inline < inlineDecls.length && inlineDecls[inline] < chunk.start) inline++;
    if (inline < inlineDecls.length && inlineDecls[inline] < chunk.end) chunk.holdsMore = true;
  }
  let comment = 0;
  // A block comment may run past a chunk's end (the chunk below takes its last lines): both get it.
  for (const chunk of chunks) {
    while (comment < comments.length && comments[comment + 1] <= chunk.start) comment += 2;
    let past = comment;
    while (past < comments.length && comments[past] < chunk.end) past += 2;
    if (past > comment) chunk.comments = comments.slice(comment, past);
  }
  return chunks;
}

/**
 * The name the function or method declaration whose `func` is at `at` declares; undefined where
 * this plain reading is unsure (a receiver with parentheses inside, comments in the way).
 */
function declaredName(text: string, at: number): string | undefined {
  let i = blanksEnd(text, at + 'func'.length);
  if (text.charCodeAt(i) === 40) {
    // The receiver: `(s *Server)`, `(l *List[T])`.
    const close = text.indexOf(')', i);
    if (close < 0 || text.lastIndexOf('(', close) !== i) return undefined;
    i = blanksEnd(text, close + 1);
  }
  const start = i;
  while (isIdentifierChar(text.charCodeAt(i))) i++;
  const next = text.charCodeAt(blanksEnd(text, i));
  // A name, then its parameters or type parameters.
  const named = i > start && !isDigit(text.charCodeAt(start)) && (next === 40 || next === 91);
  return named ? text.slice(start, i) : undefined;
}

/** The offset past the spaces, tabs and line breaks at `at`. */
function blanksEnd(text: string, at: number): number {
  let i = at;
  for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
  return i;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The index of the chunk (of chunks in order, as declChunks cuts them) holding `offset`; -1 when none does. */
export function chunkIndexAt(chunks: readonly { start: number; end: number }[], offset: number): number {
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (chunks[mid].start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return chunks.length > 0 && chunks[lo].start <= offset && offset < chunks[lo].end ? lo : -1;
}

/** The declaration keyword `text` has at `at` as a whole word, if any. */
function keywordAt(text: string, at: number): string | undefined {
  for (const k of KEYWORDS) {
    if (text.startsWith(k, at) && !isIdentifierChar(text.charCodeAt(at + k.length))) return k;
  }
  return undefined;
}

/** The offset past the literal opened by `quote` at `at`; -1 when the line or text ends first. */
function quotedEnd(text: string, at: number, quote: number): number {
  for (let i = at + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) i++; // a backslash escapes the next character
    else if (c === quote) return i + 1;
    else if (c === 10) return -1;
  }
  return -1;
}

/** True when `offset` lies in one of `chunk`'s comments (forEachCodeMatch keeps a cursor instead, for matches in order). */
export function inComment(chunk: Chunk, offset: number): boolean {
  for (let i = 0; i < chunk.comments.length; i += 2) if (chunk.comments[i] <= offset && offset < chunk.comments[i + 1]) return true;
  return false;
}

/**
 * Calls `visit` with each match of `pattern` (global, its matches within a line) in the code of
 * `chunks` of `text`, and the index of the chunk it lies in: comments are left out (a doc comment
 * that says "go" starts nothing), strings are code. Chunks `skips` accepts are not searched.
 */
export function forEachCodeMatch(
  text: string,
  chunks: readonly Chunk[],
  pattern: RegExp,
  visit: (chunk: number, match: string) => void,
  skips?: (chunk: number) => boolean,
): void {
  pattern.lastIndex = 0;
  let m = pattern.exec(text);
  for (let k = 0; k < chunks.length && m; k++) {
    if (skips?.(k)) {
      let next = k + 1;
      while (next < chunks.length && skips(next)) next++;
      if (next === chunks.length) return;
      if (m.index < chunks[next].start) {
        pattern.lastIndex = chunks[next].start;
        m = pattern.exec(text);
      }
      k = next - 1;
      continue;
    }
    const { end, comments } = chunks[k];
    /** The first of the chunk's comments that does not end before the match. */
    let comment = 0;
    for (; m && m.index < end; m = pattern.exec(text)) {
      while (comment < comments.length && comments[comment + 1] <= m.index) comment += 2;
      if (comment === comments.length || comments[comment] > m.index) visit(k, m[0]);
    }
  }
}
