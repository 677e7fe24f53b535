/** Edits that turn one call into another: rename the function, add an argument. */
import type { Node } from 'web-tree-sitter';
import type { TextEdit } from '../engine/types';
import { replaceNode } from './edits';
import type { GoFile } from './file';
import { callParts, hasType, nextSiblingIn } from './syntax';

/** `pkg.F(…)` / `F(…)` -> `pkg.name(…)` / `name(…)`. */
export function renameCallee(call: Node, name: string): TextEdit | undefined {
  const fn = callParts(call)?.fn;
  const nameNode = hasType(fn, 'selector_expression') ? fn.childForFieldName('field') : fn;
  return nameNode ? replaceNode(nameNode, name) : undefined;
}

function insertAt(row: number, column: number, newText: string): TextEdit {
  const at = { line: row, character: column };
  return { range: { start: at, end: at }, newText };
}

/** `f(a, b)` -> `f(text, a, b)`; with one argument per line, `text` gets a line of its own. */
export function prependArgument(file: GoFile, call: Node, text: string): TextEdit | undefined {
  const list = call.childForFieldName('arguments');
  const first = callParts(call)?.args[0];
  if (!list) return undefined;
  if (!first) return insertAt(list.startPosition.row, list.startPosition.column + 1, text);
  const { row, column } = first.startPosition;
  const ownLine = row > list.startPosition.row;
  return insertAt(row, column, ownLine ? `${text},\n${file.lines.indentOf(row)}` : `${text}, `);
}

/**
 * `f(a, b)` -> `f(a, b, text)`; with one argument per line, `text` gets a line of its own.
 * Undefined for a call without arguments.
 */
export function appendArgument(file: GoFile, call: Node, text: string): TextEdit | undefined {
  const list = call.childForFieldName('arguments');
  const args = callParts(call)?.args ?? [];
  const last = args[args.length - 1];
  if (!list || !last) return undefined;
  const comma = nextSiblingIn(list, last);
  const { row, column } = last.endPosition;
  if (row > list.startPosition.row && hasType(comma, ',') && list.endPosition.row > row) {
    return insertAt(row, file.lines.lineText(row).length, `\n${file.lines.indentOf(last.startPosition.row)}${text},`);
  }
  return insertAt(row, column, `, ${text}`);
}
