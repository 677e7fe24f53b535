/** What the timer and ticker rules share: Go-version-aware severity and select races. */
import { hasType, parentOf } from './syntax';
import type { Node } from 'web-tree-sitter';
import type { Severity } from '../engine/types';
import type { GoFile } from './file';
import { communicationCases, hasDefaultCase } from './flow';

/** Under Go >= 1.23 timers (without asynctimerchan=1) unstopped timers are collected: only a hint. */
export function timerSeverity(file: GoFile): Severity | undefined {
  return file.semantics.timersCollected ? 'hint' : undefined;
}

/** Appended to timer findings under Go >= 1.23 to say why they are only hints. */
export function timerNote(file: GoFile): string {
  return file.semantics.timersCollected
    ? ' (since Go 1.23 an unstopped timer or ticker is garbage-collected once unreachable; stopping it still releases it promptly)'
    : '';
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
