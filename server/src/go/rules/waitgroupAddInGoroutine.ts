import type { Fix } from '../../engine/types';
import { deleteLines, insertLinesBefore } from '../edits';
import type { GoFile } from '../file';
import { ownDescendants, ownStatements } from '../flow';
import { positionOf } from '../ownership';
import type { GoRule } from '../rule';
import { declaredTypeOf } from '../varTypes';
import {
  callParts,
  functionBody,
  hasType,
  namedChildren,
  type Node,
  parametersOf,
  parentOf,
  statementsOf,
  typeOf,
  unparen,
} from '../syntax';

/** The func literal a `go` statement starts, when it starts one. */
function goroutineLiteral(go: Node): Node | undefined {
  const call = namedChildren(go)[0];
  const fn = hasType(call, 'call_expression') ? call.childForFieldName('function') : null;
  return fn && typeOf(unparen(fn)) === 'func_literal' ? unparen(fn) : undefined;
}

/** Operands of `x.Done()` calls a goroutine body makes itself (deferred closures included, nested goroutines not). */
function doneCalls(body: Node): Set<string> {
  const out = new Set<string>();
  for (const call of body.descendantsOfType('call_expression')) {
    const parts = call ? callParts(call) : undefined;
    if (!parts?.operand || parts.name !== 'Done' || parts.args.length > 0) continue;
    let nested = false;
    for (let p = parentOf(call!); p && p.id !== body.id; p = parentOf(p)) nested ||= typeOf(p) === 'go_statement';
    if (!nested) out.add(parts.operand.text);
  }
  return out;
}

/** True when, after `add`, the goroutine starts goroutines that call `wg.Done()`: the Add counts those. */
function addsForGoroutinesItStarts(body: Node, add: Node, wg: string): boolean {
  return ownStatements(body, ['go']).some((go) => {
    const lit = go.startIndex > add.endIndex ? goroutineLiteral(go) : undefined;
    const inner = lit && functionBody(lit);
    return !!inner && doneCalls(inner).has(wg);
  });
}

/**
 * The receiver is declared with a type other than sync.WaitGroup (a purpose-built group that
 * accepts Add racing Wait): its Add may run in the goroutine. Unknown types count as WaitGroups.
 */
function otherGroupType(file: GoFile, wg: Node): boolean {
  const e = unparen(wg);
  const type = typeOf(e) === 'identifier' ? declaredTypeOf(e.text, e) : undefined;
  return !!type && !file.isPkgType(type, 'sync', 'WaitGroup');
}

/** Names the literal declares: its parameters and every variable assigned inside it. */
function namesDeclaredIn(lit: Node): Set<string> {
  const names = new Set(parametersOf(lit).map((p) => p.name));
  for (const id of lit.descendantsOfType('identifier')) if (id && positionOf(id).kind === 'target') names.add(id.text);
  return names;
}

/** Moves `wg.Add(…)` from the top level of the goroutine to just before the `go` statement. */
function moveBeforeGoFix(file: GoFile, go: Node, lit: Node, add: Node): Fix | undefined {
  const stmt = parentOf(add);
  const body = functionBody(lit);
  if (!hasType(stmt, 'expression_statement') || !body || !statementsOf(body).some((s) => s.id === stmt.id)) return undefined;
  // The statement owns its line (a trailing comment moves with it).
  const line = file.lines.lineText(stmt.startPosition.row).trim();
  const rest = line.slice(stmt.text.length).trim();
  if (!hasType(parentOf(go), 'statement_list') || !line.startsWith(stmt.text) || (rest && !rest.startsWith('//'))) return undefined;
  const declared = namesDeclaredIn(lit);
  if (add.descendantsOfType('identifier').some((id) => !!id && declared.has(id.text))) return undefined;
  return {
    title: `Move ${stmt.text} before the go statement`,
    preferred: true,
    edits: [insertLinesBefore(file, go, [line]), deleteLines(file, stmt)],
  };
}

export const waitgroupAddInGoroutine: GoRule = {
  id: 'go/waitgroup-add-in-goroutine',
  language: 'go',
  title: 'WaitGroup.Add inside the goroutine it counts',
  defaultSeverity: 'warning',
  fixable: true,
  scope: {
    tests: { checked: true, why: 'a test whose Wait returns early checks results that are not there yet and flakes.' },
  },
  triggers: ['Add'],
  docs: {
    description:
      '`wg.Add` must happen before the goroutine starts. Called inside it, `wg.Wait` can run first, see a zero counter and return while the goroutine is still working — its results are lost or read half-written, and whatever it holds outlives the caller. Call `wg.Add(1)` before the `go` statement. Not flagged when the variable is declared with another type than sync.WaitGroup (a group built to accept Add racing Wait).',
    bad: 'for _, job := range jobs {\n\tgo func() {\n\t\twg.Add(1)\n\t\tdefer wg.Done()\n\t\trun(job)\n\t}()\n}\nwg.Wait()',
    good: 'for _, job := range jobs {\n\twg.Add(1)\n\tgo func() {\n\t\tdefer wg.Done()\n\t\trun(job)\n\t}()\n}\nwg.Wait()',
  },
  check({ file, index, report }) {
    for (const go of index.statements('go')) {
      const lit = goroutineLiteral(go);
      const body = lit && functionBody(lit);
      if (!lit || !body) continue;
      const calls = ownDescendants(body, 'call_expression').map((c) => ({ call: c, parts: callParts(c) }));
      const dones = doneCalls(body);
      for (const { call, parts } of calls) {
        if (!parts?.operand || parts.name !== 'Add') continue;
        const wg = parts.operand.text;
        // It accounts for this goroutine when the same goroutine calls Done on it, unless it
        // goes on to start goroutines that call Done: then the Add counts those.
        if (!dones.has(wg) || addsForGoroutinesItStarts(body, call, wg) || otherGroupType(file, parts.operand)) continue;
        report(call, `${wg}.Add inside the goroutine it accounts for: ${wg}.Wait can run before it and return too early`, {
          fix: () => moveBeforeGoFix(file, go, lit, call),
        });
      }
    }
  },
};
