/**
 * Edits on selects: adding a `case <-ctx.Done(): return …` to a select, with results the enclosing
 * function can return; wrapping a send in a select that gives up when a context is done.
 */
import type { Node } from 'web-tree-sitter';
import type { Fix, TextEdit } from '../engine/types';
import { indentAt, insertLinesBefore, replaceNode } from './edits';
import type { GoFile } from './file';
import { selectCases } from './flow';
import { enclosingFunction, resultsOf, zeroValue } from './syntax';

/**
 * The `return` a function makes when `ctxName` is done: zero values, with `ctxName.Err()` as a last
 * error result. Undefined when a result has no writable zero value (named types).
 */
function cancelReturn(fn: Node, ctxName: string): string | undefined {
  const results = resultsOf(fn);
  const values: string[] = [];
  for (const [i, type] of results.entries()) {
    const value = i === results.length - 1 && type.text === 'error' ? `${ctxName}.Err()` : zeroValue(type);
    if (value === undefined) return undefined;
    values.push(value);
  }
  return values.length ? `return ${values.join(', ')}` : 'return';
}

/** Inserts `case <-ctx.Done(): return …` as the first case of `select`. */
export function doneCaseFix(file: GoFile, select: Node, ctxName: string): Fix | undefined {
  const first = selectCases(select)[0];
  const fn = enclosingFunction(select);
  const ret = fn && cancelReturn(fn, ctxName);
  if (!first || !ret) return undefined;
  return {
    title: `Add case <-${ctxName}.Done()`,
    preferred: true,
    edits: [insertLinesBefore(file, first, [`case <-${ctxName}.Done():`, `\t${ret}`])],
  };
}

/**
 * `ch <- v` -> `select { case ch <- v: case <-ctx.Done(): }`: the send gives up when ctxName is
 * done. For a send statement written on one line (its text moves into the case as is).
 */
export function sendOrDoneEdit(file: GoFile, send: Node, ctxName: string): TextEdit | undefined {
  if (send.startPosition.row !== send.endPosition.row) return undefined;
  const indent = indentAt(file, send);
  return replaceNode(send, ['select {', `case ${send.text}:`, `case <-${ctxName}.Done():`, '}'].join(`\n${indent}`));
}
