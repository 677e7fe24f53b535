/**
 * Incremental text changes as both offsets and positions, before and after: what tree-sitter's
 * `tree.edit` needs, and what moves cached findings of untouched declarations to their new place.
 */
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { Edit } from 'web-tree-sitter';
import { countLoneCRs } from '../../engine/text';
import type { Finding, Position, Range } from '../../engine/types';

export interface ContentEdit {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  start: Position;
  oldEnd: Position;
  newEnd: Position;
  /** Lone `\r`s the edit added to the text (negative: removed); see GoDocument.applyEdits. */
  loneCRDelta: number;
}

/** Applies LSP content changes in order to `doc` (mutated), returning one ContentEdit per change. */
export function applyContentChanges(
  doc: TextDocument,
  changes: readonly TextDocumentContentChangeEvent[],
  version: number,
): ContentEdit[] {
  const edits: ContentEdit[] = [];
  for (const change of changes) {
    const startIndex = 'range' in change ? doc.offsetAt(change.range.start) : 0;
    const oldEndIndex = 'range' in change ? Math.max(startIndex, doc.offsetAt(change.range.end)) : doc.getText().length;
    const start = doc.positionAt(startIndex);
    const oldEnd = doc.positionAt(oldEndIndex);
    // Whether a `\r` is lone depends on the next character: the one before the edit may change too.
    const loneBefore = countLoneCRs(doc.getText(), startIndex - 1, oldEndIndex);
    TextDocument.update(doc, ['range' in change ? { range: { start, end: oldEnd }, text: change.text } : change], version);
    const newEndIndex = startIndex + change.text.length;
    const loneCRDelta = countLoneCRs(doc.getText(), startIndex - 1, newEndIndex) - loneBefore;
    edits.push({ startIndex, oldEndIndex, newEndIndex, start, oldEnd, newEnd: doc.positionAt(newEndIndex), loneCRDelta });
  }
  return edits;
}

export function toTreeEdit(e: ContentEdit): Edit {
  const point = (p: Position) => ({ row: p.line, column: p.character });
  return new Edit({
    startIndex: e.startIndex,
    oldEndIndex: e.oldEndIndex,
    newEndIndex: e.newEndIndex,
    startPosition: point(e.start),
    oldEndPosition: point(e.oldEnd),
    newEndPosition: point(e.newEnd),
  });
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Where a position of the old text is in the new one; undefined when the edit replaced it. */
function mapPosition(p: Position, e: ContentEdit): Position | undefined {
  if (before(p, e.start)) return p;
  if (before(p, e.oldEnd)) return undefined;
  if (p.line === e.oldEnd.line) return { line: e.newEnd.line, character: e.newEnd.character + p.character - e.oldEnd.character };
  const delta = e.newEnd.line - e.oldEnd.line;
  return delta === 0 ? p : { line: p.line + delta, character: p.character };
}

function mapRange(r: Range, e: ContentEdit): Range | undefined {
  const start = mapPosition(r.start, e);
  const end = start && mapPosition(r.end, e);
  return start && end ? (start === r.start && end === r.end ? r : { start, end }) : undefined;
}

/** A finding moved through an edit that happened elsewhere; undefined when the edit touched any of its positions. */
export function mapFinding(f: Finding, e: ContentEdit): Finding | undefined {
  const range = mapRange(f.range, e);
  if (!range) return undefined;
  const fixes: Finding['fixes'] = [];
  for (const fix of f.fixes) {
    const edits = [];
    for (const edit of fix.edits) {
      const r = mapRange(edit.range, e);
      if (!r) return undefined;
      edits.push(r === edit.range ? edit : { ...edit, range: r });
    }
    fixes.push({ ...fix, edits });
  }
  let related = f.related;
  if (related) {
    related = [];
    for (const rel of f.related!) {
      const r = rel.file ? rel.range : mapRange(rel.range, e);
      if (!r) return undefined;
      related.push(r === rel.range ? rel : { ...rel, range: r });
    }
  }
  return { ...f, range, fixes, related };
}

/** Offset spans of the current text that edits touched since the last analysis. */
export class DirtySpans {
  private spans: { start: number; end: number }[] = [];

  /** Moves recorded spans through `e` and records the span it wrote. */
  add(e: ContentEdit): void {
    const delta = e.newEndIndex - e.oldEndIndex;
    let start = e.startIndex;
    let end = e.newEndIndex;
    const kept: { start: number; end: number }[] = [];
    for (const s of this.spans) {
      if (s.end < e.startIndex) kept.push(s);
      else if (s.start > e.oldEndIndex) kept.push({ start: s.start + delta, end: s.end + delta });
      else {
        start = Math.min(start, s.start);
        end = Math.max(end, s.end > e.oldEndIndex ? s.end + delta : end);
      }
    }
    kept.push({ start, end });
    this.spans = kept.sort((a, b) => a.start - b.start);
  }

  addRange(start: number, end: number): void {
    this.spans.push({ start, end });
  }

  /** True when a span touches [start, end] (touching counts: typing right after a `}` may change the declaration). */
  touches(start: number, end: number): boolean {
    return this.spans.some((s) => s.start <= end && s.end >= start);
  }

  /** The smallest span covering every recorded span. */
  bounds(): { start: number; end: number } | undefined {
    if (this.spans.length === 0) return undefined;
    return { start: Math.min(...this.spans.map((s) => s.start)), end: Math.max(...this.spans.map((s) => s.end)) };
  }

  clear(): void {
    this.spans = [];
  }
}
