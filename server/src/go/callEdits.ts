/** Edits that turn one call into another: rename the function, add an argument. */
import type { Node } from 'web-tree-sitter';
import type { TextEdit } from '../engine/types';
import { replaceNode } from './edits';
import { callParts } from './syntax';

/** `pkg.F(…)` / `F(…)` -> `pkg.name(…)` / `name(…)`. */
export function renameCallee(call: Node, name: string): TextEdit | undefined {
  const fn = callParts(call)?.fn;
  const nameNode = fn?.type === 'selector_expression' ? fn.childForFieldName('field') : fn;
  return nameNode ? replaceNode(nameNode, name) : undefined;
}

/** `f(a, b)` -> `f(text, a, b)`. */
export function prependArgument(call: Node, text: string): TextEdit | undefined {
  const list = call.childForFieldName('arguments');
  const first = callParts(call)?.args[0];
  if (!list) return undefined;
  const at = first
    ? { line: first.startPosition.row, character: first.startPosition.column }
    : { line: list.startPosition.row, character: list.startPosition.column + 1 };
  return { range: { start: at, end: at }, newText: first ? `${text}, ` : text };
}

/** `f(a, b)` -> `f(a, b, text)`; undefined for a call without arguments. */
export function appendArgument(call: Node, text: string): TextEdit | undefined {
  const args = callParts(call)?.args ?? [];
  const last = args[args.length - 1];
  if (!last) return undefined;
  const at = { line: last.endPosition.row, character: last.endPosition.column };
  return { range: { start: at, end: at }, newText: `, ${text}` };
}
