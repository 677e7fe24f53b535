/** Text edits that Go fixes are built from; each keeps the result gofmt-clean. */
import type { Node } from 'web-tree-sitter';
import type { TextEdit } from '../engine/types';
import type { GoFile } from './file';
import { namedChildren, statementsOf, typeOf } from './syntax';
import { mentionsOf } from './identifiers';

/** Leading whitespace of the line `node` starts on. */
export function indentAt(file: GoFile, node: Node): string {
  return file.lines.indentOf(node.startPosition.row);
}

/** Inserts `lines` (unindented) as new lines after the line where `stmt` ends, at `stmt`'s indentation. */
export function insertLinesAfter(file: GoFile, stmt: Node, lines: readonly string[], extraIndent = ''): TextEdit {
  const row = stmt.endPosition.row;
  const end = { line: row, character: file.lines.lineText(row).length };
  const indent = indentAt(file, stmt) + extraIndent;
  return { range: { start: end, end }, newText: lines.map((l) => `\n${l ? indent + l : ''}`).join('') };
}

/**
 * Inserts `lines` as new lines before the line where `stmt` starts, at its indentation (or at
 * `indent`: a labeled statement's label sits one tab left of the statement).
 */
export function insertLinesBefore(file: GoFile, stmt: Node, lines: readonly string[], indent = indentAt(file, stmt)): TextEdit {
  const at = { line: stmt.startPosition.row, character: 0 };
  return { range: { start: at, end: at }, newText: lines.map((l) => `${l ? indent + l : ''}\n`).join('') };
}

/** Replaces a node's text. */
export function replaceNode(node: Node, newText: string): TextEdit {
  return {
    range: {
      start: { line: node.startPosition.row, character: node.startPosition.column },
      end: { line: node.endPosition.row, character: node.endPosition.column },
    },
    newText,
  };
}

/**
 * The name to write for `importPath` in a fix and the edits that import it when the file does not
 * yet. New imports go into the standard-library group of an import block in sorted position, as
 * gofmt would keep them.
 */
export function ensureImport(file: GoFile, importPath: string): { name: string; edits: TextEdit[] } {
  const existing = file.localNameOf(importPath);
  if (existing) return { name: existing, edits: [] };
  const name = importPath.split('/').pop()!;
  const quoted = `"${importPath}"`;
  const decls = namedChildren(file.root).filter((n) => typeOf(n) === 'import_declaration');
  const block = decls.map((d) => namedChildren(d).find((c) => typeOf(c) === 'import_spec_list')).find((b) => !!b);
  if (block) {
    const specs = namedChildren(block).filter((s) => typeOf(s) === 'import_spec');
    // First group = specs up to the first blank line; gofmt sorts within a group.
    const group: Node[] = [];
    for (const spec of specs) {
      const prev = group[group.length - 1];
      if (prev && spec.startPosition.row > prev.endPosition.row + 1) break;
      group.push(spec);
    }
    const after = group.find((s) => (s.childForFieldName('path')?.text ?? '') > quoted);
    if (after) return { name, edits: [insertLinesBefore(file, after, [quoted])] };
    if (group.length > 0) return { name, edits: [insertLinesAfter(file, group[group.length - 1], [quoted])] };
    const open = { line: block.startPosition.row, character: block.startPosition.column + 1 };
    return { name, edits: [{ range: { start: open, end: open }, newText: `\n\t${quoted}` }] };
  }
  if (decls.length > 0) {
    const single = decls[0];
    const spec = namedChildren(single).find((c) => typeOf(c) === 'import_spec');
    if (spec) {
      const lines = [spec.text, quoted].sort((a, b) => pathOf(a).localeCompare(pathOf(b)));
      return { name, edits: [replaceNode(single, `import (\n\t${lines.join('\n\t')}\n)`)] };
    }
  }
  const pkg = namedChildren(file.root).find((n) => typeOf(n) === 'package_clause');
  if (!pkg) return { name, edits: [] };
  return { name, edits: [insertLinesAfter(file, pkg, ['', `import ${quoted}`])] };
}

/** The import path inside an import spec's text (`c "context"` -> `context`). */
function pathOf(specText: string): string {
  return specText.slice(specText.indexOf('"'));
}

/**
 * `base` when no identifier in `scope` is called that yet, else `base2`, `base3`, … (a word in a
 * comment or a string, or a field name, does not take it).
 */
export function freeName(scope: Node, base: string): string {
  let name = base;
  for (let i = 2; mentionsOf(scope, name).length > 0; i++) name = `${base}${i}`;
  return name;
}

/** Deletes the whole lines `node` spans; a blank line right after goes too, so none is left behind at the top of a block. */
export function deleteLines(file: GoFile, node: Node): TextEdit {
  let next = node.endPosition.row + 1;
  if (next < file.lines.lineCount - 1 && file.lines.lineText(next).trim() === '') next++;
  return { range: { start: { line: node.startPosition.row, character: 0 }, end: { line: next, character: 0 } }, newText: '' };
}

/** The rows strictly between a block's braces, when each brace ends or starts its own line. */
export function rowsInsideBraces(block: Node): { first: number; last: number } | undefined {
  const inner = statementsOf(block);
  const first = block.startPosition.row + 1;
  const last = block.endPosition.row - 1;
  if (last < first || inner.some((n) => n.startPosition.row < first || n.endPosition.row > last)) return undefined;
  return { first, last };
}

/**
 * Replaces rows `first`..`last` with the line `open`, those rows one tab deeper, and the line
 * `close`; `open` and `close` get `indent`. Callers make sure no multi-line string or comment
 * sits in those rows (re-indenting would change it).
 */
export function wrapRows(file: GoFile, first: number, last: number, indent: string, open: string, close: string): TextEdit {
  const rows: string[] = [];
  for (let r = first; r <= last; r++) {
    const line = file.lines.lineText(r);
    rows.push(line.trim() === '' ? '' : `\t${line}`);
  }
  const end = { line: last, character: file.lines.lineText(last).length };
  return {
    range: { start: { line: first, character: 0 }, end },
    newText: [indent + open, ...rows, indent + close].join('\n'),
  };
}
