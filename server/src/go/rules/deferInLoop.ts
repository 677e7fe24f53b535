import type { Fix } from '../../engine/types';
import { indentAt, rowsInsideBraces, wrapRows } from '../edits';
import type { GoFile } from '../file';
import { ownStatements } from '../flow';
import { boundResult } from '../ownership';
import { cancelFunc } from '../resources';
import type { GoRule, GoRuleContext } from '../rule';
import { callParts, enclosingLoop, hasType, namedChildren, type Node, parentOf, typeOf } from '../syntax';

/** Methods whose deferred call releases something: t.Stop(), f.Close(), resp.Body.Close(), span.End(). */
const RELEASE_METHODS = new Set(['Stop', 'Close', 'End']);

/** Names this declaration binds to the cancel function of a context.With* call. */
function cancelNames({ file, index }: GoRuleContext): Set<string> {
  const names = new Set(['cancel']);
  for (const call of index.callsNamed(cancelFunc.callees)) {
    const target = cancelFunc.acquiredBy(file, call) ? boundResult(call, cancelFunc.slot)?.target : undefined;
    if (hasType(target, 'identifier')) names.add(target.text);
  }
  return names;
}

const BREAKABLE = new Set(['for_statement', 'select_statement', 'expression_switch_statement', 'type_switch_statement']);

/** True when a jump in `body` leaves it (return, goto, labeled jumps, break/continue of the loop itself). */
function jumpsOut(body: Node): boolean {
  return ownStatements(body, ['return', 'goto', 'break', 'continue']).some((j) => {
    if (typeOf(j) === 'return_statement' || typeOf(j) === 'goto_statement') return true;
    if (namedChildren(j).some((c) => typeOf(c) === 'label_name')) return true;
    for (let p = parentOf(j); p && p.id !== body.id; p = parentOf(p)) {
      if (typeOf(j) === 'break_statement' ? BREAKABLE.has(typeOf(p)) : typeOf(p) === 'for_statement') return false;
    }
    return true;
  });
}

/** Re-indenting would change a raw string or block comment that spans lines. */
function hasMultilineText(body: Node): boolean {
  return body
    .descendantsOfType(['raw_string_literal', 'interpreted_string_literal', 'comment'])
    .some((n) => !!n && n.startPosition.row !== n.endPosition.row);
}

/** Runs the loop body in `func() { … }()` so each iteration's defers run at the end of the iteration. */
function wrapBodyFix(file: GoFile, loop: Node): Fix | undefined {
  const body = loop.childForFieldName('body');
  const rows = body && rowsInsideBraces(body);
  if (!body || !rows || jumpsOut(body) || hasMultilineText(body)) return undefined;
  return {
    title: 'Run the loop body in a function literal so the defer runs every iteration',
    preferred: true,
    edits: [wrapRows(file, rows.first, rows.last, `${indentAt(file, loop)}\t`, 'func() {', '}()')],
  };
}

export const deferInLoop: GoRule = {
  id: 'go/defer-in-loop',
  language: 'go',
  title: 'defer of a release inside a loop',
  defaultSeverity: 'warning',
  fixable: true,
  triggers: ['defer'],
  alsoRequires: ['for'],
  docs: {
    description:
      '`defer` runs when the function returns, not at the end of the loop iteration. A `defer cancel()`, `defer t.Stop()`, `defer f.Close()` or `defer span.End()` inside a loop keeps every iteration\'s context, ticker, file or span alive until the whole loop — and the function — is done; a long or endless loop leaks without bound. Run the body in a function literal so the defer fires per iteration, or release explicitly at the end of the iteration.',
    bad: 'for _, id := range ids {\n\tctx, cancel := context.WithTimeout(ctx, time.Second)\n\tdefer cancel()\n\tfetch(ctx, id)\n}',
    good: 'for _, id := range ids {\n\tfunc() {\n\t\tctx, cancel := context.WithTimeout(ctx, time.Second)\n\t\tdefer cancel()\n\t\tfetch(ctx, id)\n\t}()\n}',
  },
  check(ctx) {
    let cancels: Set<string> | undefined;
    for (const d of ctx.index.statements('defer')) {
      const loop = enclosingLoop(d);
      const call = namedChildren(d)[0];
      const parts = loop && call ? callParts(call) : undefined;
      if (!loop || !parts) continue;
      const releases = parts.operand
        ? RELEASE_METHODS.has(parts.name)
        : typeOf(parts.fn) === 'identifier' && (cancels ??= cancelNames(ctx)).has(parts.name);
      if (!releases) continue;
      const what = call.text.length > 60 ? `${parts.fn.text}(…)` : call.text;
      const message = `defer ${what} inside a loop runs only when the function returns: every iteration's resource stays alive until then`;
      ctx.report(d, message, { fix: () => wrapBodyFix(ctx.file, loop) });
    }
  },
};

