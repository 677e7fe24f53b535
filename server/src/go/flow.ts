/**
 * Control flow the goroutine and select rules reason about: infinite loops, the jumps that leave
 * them, and select statements. Purely syntactic: a jump leaves a loop when its target is outside it.
 */
import type { Node } from 'web-tree-sitter';
import { isFunctionNode, isInside, mayBeInClosure, mayHoldClosures, namedChildren, parentOf, typeOf } from './syntax';
import { statementsByKeyword, type StatementKeyword } from './wordNodes';

/** True when `node` runs in `scope`'s own function, not in a func literal nested in it. */
function runsInScope(node: Node, scope: Node): boolean {
  // A func literal in between would lie in `scope`, and its text would say `func`.
  if (!mayBeInClosure(node) || !mayHoldClosures(scope)) return true;
  for (let p = parentOf(node); p && p.id !== scope.id; p = parentOf(p)) if (isFunctionNode(p)) return false;
  return true;
}

/** Descendants of `scope` of the given types that run in `scope`'s own function, not in a nested func literal. */
export function ownDescendants(scope: Node, types: string | string[]): Node[] {
  return scope.descendantsOfType(types).filter((n): n is Node => !!n && runsInScope(n, scope));
}

/** Statements the keywords introduce inside `scope` that run in its own function (found by keyword, not by a walk). */
export function ownStatements(scope: Node, keywords: readonly StatementKeyword[]): Node[] {
  return statementsByKeyword(scope, keywords).filter((n) => runsInScope(n, scope));
}

/** `for { … }` and `for ;; { … }`: a loop with neither a condition nor a range clause. */
export function isInfiniteLoop(loop: Node): boolean {
  if (typeOf(loop) !== 'for_statement') return false;
  return namedChildren(loop).every((c) => {
    if (c.id === loop.childForFieldName('body')?.id) return true;
    return typeOf(c) === 'for_clause' && !c.childForFieldName('condition');
  });
}

const BREAKABLE = new Set(['for_statement', 'select_statement', 'expression_switch_statement', 'type_switch_statement']);

/** The statement a `break`/`continue` jumps out of or to: the labeled statement's body, or the nearest enclosing one. */
function jumpTarget(jump: Node): Node | null {
  const label = namedChildren(jump).find((c) => typeOf(c) === 'label_name')?.text;
  for (let p = parentOf(jump); p && !isFunctionNode(p); p = parentOf(p)) {
    if (label) {
      if (typeOf(p) === 'labeled_statement' && p.childForFieldName('label')?.text === label) {
        return namedChildren(p).find((c) => typeOf(c) !== 'label_name') ?? null;
      }
    } else if (typeOf(jump) === 'break_statement' ? BREAKABLE.has(typeOf(p)) : typeOf(p) === 'for_statement') {
      return p;
    }
  }
  return null;
}

/**
 * True when the loop has a way out: a `return` (outside nested func literals), a `break` whose
 * target is the loop or encloses it (a plain `break` in a select or switch only leaves that), or a
 * labeled `continue` of an enclosing loop.
 */
export function loopCanExit(loop: Node): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return false;
  if (ownStatements(body, ['return']).length > 0) return true;
  return ownStatements(body, ['break', 'continue']).some((jump) => {
    const target = jumpTarget(jump);
    if (!target) return false;
    if (target.id === loop.id) return typeOf(jump) === 'break_statement';
    return isInside(loop, target);
  });
}

/**
 * True when the statements of `scope` (a select case) can leave `loop`: a `return`, a `break` or
 * `continue` whose target is the loop or encloses it, or a call that ends the goroutine or fails
 * the test (`t.Fatal`, `framework.Fail`, `panic`).
 */
export function leavesLoop(scope: Node, loop: Node, ends: (stmt: Node) => boolean): boolean {
  if (ownStatements(scope, ['return']).length > 0) return true;
  const jumps = ownStatements(scope, ['break', 'continue']).some((jump) => {
    const target = jumpTarget(jump);
    return !!target && (target.id === loop.id ? typeOf(jump) === 'break_statement' : isInside(loop, target));
  });
  return jumps || scope.descendantsOfType('expression_statement').some((s) => !!s && ends(s));
}

/** The clauses of a select, `default` included. */
export function selectCases(select: Node): Node[] {
  return namedChildren(select).filter((c) => typeOf(c) === 'communication_case' || typeOf(c) === 'default_case');
}

/** The `case` clauses of a select (send and receive cases), without `default`. */
export function communicationCases(select: Node): Node[] {
  return namedChildren(select).filter((c) => typeOf(c) === 'communication_case');
}

/** A select with a `default` case never blocks. */
export function hasDefaultCase(select: Node): boolean {
  return namedChildren(select).some((c) => typeOf(c) === 'default_case');
}
