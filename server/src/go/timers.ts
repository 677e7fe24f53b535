/** What the timer and ticker rules share: whether unreferenced timers are collected, and select races. */
import { hasType, parentOf } from './syntax';
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import { communicationCases, hasDefaultCase } from './flow';

/**
 * True when the file's Go (>= 1.23, without asynctimerchan=1) collects timers and tickers nobody
 * references any more, stopped or not: the timer rules then have nothing to report. A timer or
 * ticker that stays referenced (stored, or used by a goroutine that lives on) is handed on, which
 * those rules do not flag in the first place.
 */
export function timersCollected(file: GoFile): boolean {
  return file.semantics.timersCollected;
}

function climbParens(node: Node): Node {
  for (let up = parentOf(node); hasType(up, 'parenthesized_expression'); up = parentOf(up)) node = up;
  return node;
}

/**
 * When `<-ch` is the receive of a select case (`case <-ch:`, `case v := <-ch:`): the select, and
 * whether other cases race it (so the channel may never be received from).
 */
export function selectReceiving(ch: Node): { select: Node; commCase: Node; raced: boolean } | undefined {
  const recv = parentOf(climbParens(ch));
  if (!hasType(recv, 'unary_expression') || recv.childForFieldName('operator')?.text !== '<-') return undefined;
  const expr = climbParens(recv);
  const stmt = parentOf(expr);
  if (!hasType(stmt, 'receive_statement') || stmt.childForFieldName('right')?.id !== expr.id) return undefined;
  const commCase = parentOf(stmt);
  const select = parentOf(commCase);
  if (!hasType(commCase, 'communication_case') || !hasType(select, 'select_statement')) return undefined;
  const raced = communicationCases(select).length + (hasDefaultCase(select) ? 1 : 0) >= 2;
  return { select, commCase, raced };
}
