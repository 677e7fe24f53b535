/**
 * Adding a `Key: value` element to a composite literal so that the result is what gofmt prints.
 *
 * gofmt aligns the values of consecutive one-line `Key: value` elements (go/printer's exprList feeds
 * the keys to a tabwriter). An alignment section ends at a multi-line element, at a line holding
 * several elements, at a blank or comment line, and where a key longer than 40 characters differs
 * too much from the keys before it. simulateSections replays those decisions.
 */
import type { Node } from 'web-tree-sitter';
import type { Fix, TextEdit } from '../engine/types';
import { literalElements, elementKey } from './composites';
import { secondsExpr } from './durations';
import { replaceNode } from './edits';
import type { GoFile } from './file';
import { hasType } from './syntax';

interface LayoutItem {
  startRow: number;
  endRow: number;
  /** The key when the element is `Key: value`. */
  key?: string;
  /** Printed width gofmt sizes the element by: the key of a one-line pair, the whole of another one-line element, 0 if multi-line. */
  size: number;
}

/** For each item, the alignment section its key belongs to, or -1 when its key is not in a column. */
function simulateSections(openRow: number, items: readonly LayoutItem[]): number[] {
  const SMALL = 40;
  const RATIO = 2.5;
  const sections: number[] = [];
  let section = 0;
  let prevStart = openRow;
  let prevEnd = openRow;
  let prevBreak = items.length > 0 && items[0].startRow > openRow ? 0 : -1;
  let size = 0;
  let lnsum = 0;
  let count = 0;
  items.forEach((item, i) => {
    const prevSize = size;
    size = item.size;
    let useFF = true;
    if (prevSize > 0 && size > 0) {
      if (count === 0 || (prevSize <= SMALL && size <= SMALL)) useFF = false;
      else {
        const ratio = size / Math.exp(lnsum / count);
        useFF = RATIO * ratio <= 1 || RATIO <= ratio;
      }
    }
    const onNewLine = prevStart < item.startRow;
    if (i > 0 && onNewLine) {
      // A formfeed, or a blank/comment line in between, starts a new tabwriter section.
      if (useFF || prevBreak + 1 < i || item.startRow - prevEnd > 1) {
        section++;
        lnsum = 0;
        count = 0;
      }
      prevBreak = i;
    }
    sections.push(item.key !== undefined && size > 0 && onNewLine && items.length > 1 ? section : -1);
    if (size > 0) {
      lnsum += Math.log(size);
      count++;
    }
    prevStart = item.startRow;
    prevEnd = item.endRow;
  });
  return sections;
}

function layoutOf(element: Node): LayoutItem {
  const key = elementKey(element);
  const oneLine = element.startPosition.row === element.endPosition.row;
  return {
    startRow: element.startPosition.row,
    endRow: element.endPosition.row,
    key,
    size: oneLine ? (key ?? element.text).length : 0,
  };
}

function point(row: number, column: number) {
  return { line: row, character: column };
}

/** Re-pads the blanks between `Key:` and the value of an existing element to `pad` spaces, if needed. */
function padElement(element: Node, pad: number): TextEdit | undefined {
  const colon = element.children.find((c) => hasType(c, ':'));
  const value = element.childForFieldName('value');
  if (!colon || !value || colon.endPosition.row !== value.startPosition.row) return undefined;
  if (value.startPosition.column - colon.endPosition.column === pad) return undefined;
  return {
    range: { start: point(colon.endPosition.row, colon.endPosition.column), end: point(value.startPosition.row, value.startPosition.column) },
    newText: ' '.repeat(pad),
  };
}

/**
 * Edits that append `key: value` to a keyed composite literal as gofmt would lay it out:
 * `T{}` -> `T{key: value}`, a one-line literal gets `, key: value`, a multi-line one a new line
 * after its last element, aligned with (and if longer, re-aligning) the section it joins.
 * Undefined when the literal's layout is not one gofmt produces.
 */
export function addKeyedElement(file: GoFile, literal: Node, key: string, value: string): TextEdit[] | undefined {
  const body = literal.childForFieldName('body');
  if (!body) return undefined;
  const elements = literalElements(literal);
  const openRow = body.startPosition.row;
  if (elements.length === 0) {
    if (body.namedChildCount > 0) return undefined; // only comments inside: leave them be
    return [replaceNode(body, `{${key}: ${value}}`)];
  }
  const last = elements[elements.length - 1];
  const lastEnd = point(last.endPosition.row, last.endPosition.column);
  if (openRow === last.endPosition.row) {
    return [{ range: { start: lastEnd, end: lastEnd }, newText: `, ${key}: ${value}` }];
  }

  const next = last.nextSibling;
  let at = lastEnd;
  let lead = ',';
  let tail = '';
  if (hasType(next, ',')) {
    if (next.endPosition.row === body.endPosition.row) return undefined;
    at = point(next.endPosition.row, file.lines.lineText(next.endPosition.row).length);
    lead = '';
    tail = ',';
  } else if (!hasType(next, '}')) {
    return undefined;
  }

  const rowStarter = elements.find((e) => file.lines.lineText(e.startPosition.row).slice(0, e.startPosition.column).trim() === '');
  const indent = rowStarter ? file.lines.indentOf(rowStarter.startPosition.row) : `${file.lines.indentOf(openRow)}\t`;
  const newRow = last.endPosition.row + 1;
  const items = [...elements.map(layoutOf), { startRow: newRow, endRow: newRow, key, size: key.length }];
  const sections = simulateSections(openRow, items);
  const mine = sections[items.length - 1];
  const members = elements.filter((_, i) => sections[i] === mine);
  const cell = Math.max(key.length, ...members.map((e) => elementKey(e)!.length)) + 1; // key and colon

  const edits: TextEdit[] = [];
  for (const member of members) {
    const edit = padElement(member, cell - elementKey(member)!.length);
    if (edit) edits.push(edit);
  }
  const pad = ' '.repeat(cell - key.length);
  edits.push({ range: { start: at, end: at }, newText: `${lead}\n${indent}${key}:${pad}${value}${tail}` });
  return edits;
}

/**
 * A fix that sets a time.Duration field of a literal to `seconds * time.Second`. A new timeout
 * fails what used to wait: `changesBehavior` says what.
 */
export function setSecondsFieldFix(file: GoFile, literal: Node, key: string, seconds: number, changesBehavior: string): Fix | undefined {
  const duration = secondsExpr(file, seconds);
  const edits = addKeyedElement(file, literal, key, duration.text);
  if (!edits) return undefined;
  return { title: `Set ${key}: ${duration.text}`, preferred: true, edits: [...duration.edits, ...edits], changesBehavior };
}
