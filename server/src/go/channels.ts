/** Channel operations the concurrency rules look for: receives, stop channels and unbuffered makes. */
import type { Node } from 'web-tree-sitter';
import type { Fix } from '../engine/types';
import type { GoFile } from './file';
import { replaceNode } from './edits';
import { communicationCases } from './flow';
import { assignmentOf, callParts, hasType, typeOf, unparen } from './syntax';

/** The channel operand of `<-ch` when `expr` is a receive expression. */
function receivedChannel(expr: Node): Node | undefined {
  if (typeOf(expr) !== 'unary_expression' || expr.childForFieldName('operator')?.text !== '<-') return undefined;
  const operand = expr.childForFieldName('operand');
  return operand ? unparen(operand) : undefined;
}

/** The channel a select `case` receives from (`case <-ch:`, `case v, ok := <-ch:`). */
export function caseReceivedChannel(commCase: Node): Node | undefined {
  const comm = commCase.childForFieldName('communication');
  const expr = hasType(comm, 'receive_statement') ? comm.childForFieldName('right') : null;
  return expr ? receivedChannel(unparen(expr)) : undefined;
}

/** The name a channel expression is known by: `done`, `s.quit` -> `quit`, `ctx.Done()` -> `Done`. */
function channelName(expr: Node): string | undefined {
  const parts = callParts(expr);
  if (parts) return parts.name || undefined;
  if (typeOf(expr) === 'identifier') return expr.text;
  if (typeOf(expr) === 'selector_expression') return expr.childForFieldName('field')?.text;
  return undefined;
}

/** Names that say a channel signals the end of work. */
const STOP_NAME = /done|quit|stop|exit|clos(e|ing)|cancel|interrupt|shutdown|abort/i;

/** A channel that signals the end of work by its name: `ctx.Done()`, `done`, `s.quit`, `stopCh`, `closing`. */
export function isStopChannel(expr: Node): boolean {
  return STOP_NAME.test(channelName(expr) ?? '');
}

/** The same test on a channel the goroutine model names by its text (`s.quit`, `ctx.Done()`): its last part. */
export function isStopKey(key: string): boolean {
  return STOP_NAME.test(key.replace(/\(\)$/, '').split('.').pop() ?? '');
}

/** True when a select has a case receiving from a stop channel (`case <-ctx.Done():`, `case <-s.quit:`). */
export function selectWatchesStop(select: Node): boolean {
  return communicationCases(select).some((c) => {
    const ch = caseReceivedChannel(c);
    return !!ch && isStopChannel(ch);
  });
}

/**
 * For `make(chan T)` or `make(chan T, 0)`: the channel type node; undefined for buffered channels,
 * other makes and anything else.
 */
export function unbufferedChanMake(call: Node): Node | undefined {
  const parts = callParts(call);
  if (!parts || typeOf(parts.fn) !== 'identifier' || parts.name !== 'make') return undefined;
  const [type, size] = parts.args;
  if (!hasType(type, 'channel_type')) return undefined;
  if (size && !(typeOf(size) === 'int_literal' && Number(size.text) === 0)) return undefined;
  return type;
}

/** The variable a make is assigned to on its own: `ch := make(chan T)`, `var ch = make(chan T)`. */
export function madeChannelName(make: Node): string | undefined {
  const names = assignmentOf(make)?.names ?? [];
  return names.length === 1 && typeOf(names[0]) === 'identifier' ? names[0].text : undefined;
}

/** Gives an unbuffered `make(chan T)` / `make(chan T, 0)` a buffer of one. */
export function bufferOfOneFix(call: Node): Fix | undefined {
  const [type, size] = callParts(call)?.args ?? [];
  if (!type) return undefined;
  const at = { line: type.endPosition.row, character: type.endPosition.column };
  const edit = size ? replaceNode(size, '1') : { range: { start: at, end: at }, newText: ', 1' };
  return { title: 'Give the channel a buffer of 1', preferred: true, edits: [edit] };
}

/**
 * `time.After(d)`, or a timer's channel: `t.C` of a `t := time.NewTimer(d)`, or a variable holding
 * either (`timeout := time.After(d)`), judged from the text of the function `fnText`. It delivers
 * once, when time is up.
 */
export function isTimeoutChannel(file: GoFile, ch: Node, fnText: string): boolean {
  const e = unparen(ch);
  if (typeOf(e) === 'call_expression') return file.isPkgCall(e, 'time', ['After']);
  const selector = typeOf(e) === 'selector_expression' && e.childForFieldName('field')?.text === 'C';
  const name = selector ? e.childForFieldName('operand')?.text : typeOf(e) === 'identifier' ? e.text : undefined;
  if (!name) return false;
  const made = selector ? 'NewTimer\\(' : '(After\\(|NewTimer\\(.*\\)\\.C\\b)';
  return new RegExp(`\\b${name.replace(/\./g, '\\.')}\\s*:?=\\s*time\\.${made}`).test(fnText);
}
