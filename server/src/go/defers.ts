/**
 * The defer statements of a function body, found once by keyword, with the offsets that the
 * resource rules compare for every acquisition. Asked per mention of a variable, "which defer is
 * this in" climbed the mention's parents to the function: the depth per mention, per acquisition —
 * cubic work on deeply nested code. Per defer, the offsets answer it by comparison.
 */
import type { Node } from 'web-tree-sitter';
import { nodeMemo, parentOf } from './syntax';
import { statementsByKeyword } from './wordNodes';

export interface Deferred {
  start: number;
  end: number;
  /** The end of the statement list the defer is in: the statements it precedes in that list, and all they hold, end before it. */
  listEnd: number;
}

/** The defer statements inside a function body (nested func literals included), in source order. */
const defersIn: (body: Node) => readonly Deferred[] = nodeMemo((body) =>
  statementsByKeyword(body, ['defer']).map((stmt) => ({ start: stmt.startIndex, end: stmt.endIndex, listEnd: parentOf(stmt)?.endIndex ?? stmt.endIndex })),
);

/**
 * The defers written before `stmt` whose statement list holds `stmt`: they run when the function
 * (or closure) around that list returns, after `stmt` has run. Each comes with the defers nested
 * in it (in func literals it defers), which run at another time.
 */
export function defersBefore(body: Node, stmt: Node): { defer: Deferred; nested: readonly Deferred[] }[] {
  const defers = defersIn(body);
  const at = stmt.startIndex;
  const atEnd = stmt.endIndex;
  const out: { defer: Deferred; nested: readonly Deferred[] }[] = [];
  for (let i = 0; i < defers.length && defers[i].start < at; i++) {
    const d = defers[i];
    if (d.listEnd < atEnd) continue;
    let j = i + 1;
    while (j < defers.length && defers[j].start < d.end) j++;
    out.push({ defer: d, nested: defers.slice(i + 1, j) });
  }
  return out;
}
