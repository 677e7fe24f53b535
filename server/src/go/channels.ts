/** Channel operations the concurrency rules look for: receives, `x.Done()` channels and unbuffered makes. */
import type { Node } from 'web-tree-sitter';
import type { TextEdit } from '../engine/types';
import { replaceNode } from './edits';
import { communicationCases, ownDescendants } from './flow';
import { callParts, unparen } from './syntax';

/** The channel operand of `<-ch` when `expr` is a receive expression. */
export function receivedChannel(expr: Node): Node | undefined {
  if (expr.type !== 'unary_expression' || expr.childForFieldName('operator')?.text !== '<-') return undefined;
  const operand = expr.childForFieldName('operand');
  return operand ? unparen(operand) : undefined;
}

/** Channels received from inside `scope` (in its own function, not in nested func literals). */
export function receivedChannels(scope: Node): Node[] {
  return ownDescendants(scope, 'unary_expression')
    .map(receivedChannel)
    .filter((c): c is Node => !!c);
}

/** The channel a select `case` receives from (`case <-ch:`, `case v, ok := <-ch:`). */
export function caseReceivedChannel(commCase: Node): Node | undefined {
  const comm = commCase.childForFieldName('communication');
  const expr = comm?.type === 'receive_statement' ? comm.childForFieldName('right') : null;
  return expr ? receivedChannel(unparen(expr)) : undefined;
}

/** `x.Done()`: the cancellation channel of a context (or of anything shaped like one). */
export function isDoneCall(expr: Node): boolean {
  const parts = callParts(expr);
  return !!parts?.operand && parts.name === 'Done' && parts.args.length === 0;
}

/** True when a select has a case receiving from some `x.Done()`. */
export function selectWatchesDone(select: Node): boolean {
  return communicationCases(select).some((c) => {
    const ch = caseReceivedChannel(c);
    return !!ch && isDoneCall(ch);
  });
}

/** The name a channel expression is known by: `done`, `s.quit` -> `quit`, `ctx.Done()` -> `Done`. */
export function channelName(expr: Node): string | undefined {
  const parts = callParts(expr);
  if (parts) return parts.name || undefined;
  if (expr.type === 'identifier') return expr.text;
  if (expr.type === 'selector_expression') return expr.childForFieldName('field')?.text;
  return undefined;
}

/**
 * For `make(chan T)` or `make(chan T, 0)`: the channel type node; undefined for buffered channels,
 * other makes and anything else.
 */
export function unbufferedChanMake(call: Node): Node | undefined {
  const parts = callParts(call);
  if (!parts || parts.fn.type !== 'identifier' || parts.name !== 'make') return undefined;
  const [type, size] = parts.args;
  if (type?.type !== 'channel_type') return undefined;
  if (size && !(size.type === 'int_literal' && Number(size.text) === 0)) return undefined;
  return type;
}

/** Gives an unbuffered `make(chan T)` / `make(chan T, 0)` a buffer of one. */
export function bufferOfOne(call: Node): TextEdit | undefined {
  const [type, size] = callParts(call)?.args ?? [];
  if (!type) return undefined;
  if (size) return replaceNode(size, '1');
  const at = { line: type.endPosition.row, character: type.endPosition.column };
  return { range: { start: at, end: at }, newText: ', 1' };
}
