import type { Fix } from '../../engine/types';
import { indentAt, rowsInsideBraces, wrapRows } from '../edits';
import type { GoFile } from '../file';
import { ownStatements } from '../flow';
import { boundResult } from '../ownership';
import { assignedTexts } from '../localValues';
import { cancelFunc } from '../resources';
import { CONTEXT_EXPIRING } from '../resourceTypes';
import type { GoRule, GoRuleContext } from '../rule';
import { caseReceivedChannel, isTimeoutChannel } from '../channels';
import { fileScope } from '../goroutines/summaries';
import { callParts, enclosingLoop, hasType, namedChildren, type Node, parentOf, textOf, typeOf, unparen } from '../syntax';

/** Methods whose deferred call releases something: t.Stop(), f.Close(), resp.Body.Close(), span.End(). */
const RELEASE_METHODS = new Set(['Stop', 'Close', 'End']);

/**
 * Names this declaration binds to the cancel function of a context.With* call, except those of
 * WithTimeout and WithDeadline: such a context ends by itself when its time is up (and leaves its
 * parent then), so deferring its cancel holds it no longer than its deadline.
 */
function cancelNames({ file, index }: GoRuleContext): Set<string> {
  const names = new Set<string>();
  let expiring = false;
  for (const call of index.callsNamed(cancelFunc.callees)) {
    const target = cancelFunc.acquiredBy(file, call) ? boundResult(call, cancelFunc.slot)?.target : undefined;
    if (!hasType(target, 'identifier')) continue;
    if (file.isPkgCall(call, 'context', CONTEXT_EXPIRING)) expiring = true;
    else names.add(target.text);
  }
  // `cancel` by convention, unless a context of this declaration that expires by itself owns the name.
  if (!expiring) names.add('cancel');
  return names;
}

/**
 * A loop that runs a number of times fixed in the code: `for i := 0; i < 3; i++` with a constant
 * bound, or ranging over a literal list, a constant or a variable only ever given literal lists.
 * What such a loop defers is bounded by design; loops over data (ids, paths, addresses) are not.
 */
function fixedTurns(file: GoFile, loop: Node, fnText: string): boolean {
  const body = loop.childForFieldName('body');
  const clause = namedChildren(loop).find((c) => c.id !== body?.id);
  if (!clause) return false;
  if (typeOf(clause) === 'for_clause') {
    const bound = clause.childForFieldName('condition')?.childForFieldName('right');
    return !!bound && isConstant(bound, file, fnText);
  }
  if (typeOf(clause) !== 'range_clause') return false;
  const over = clause.childForFieldName('right');
  const e = over && unparen(over);
  if (!e) return false;
  if (typeOf(e) === 'composite_literal' || isConstant(e, file, fnText)) return true;
  // `networks := []string{"udp", "tcp"}` (or two such assignments) just above.
  if (typeOf(e) !== 'identifier') return false;
  const assigned = assignedTexts(fnText, e.text);
  return assigned.length > 0 && assigned.every((v) => /^\[\d*\]\w+\{[^{}]*\}$/.test(v));
}

/** An integer literal, or a constant declared in the file or the function. */
function isConstant(e: Node, file: GoFile, fnText: string): boolean {
  const v = unparen(e);
  if (typeOf(v) === 'int_literal') return true;
  if (typeOf(v) !== 'identifier') return false;
  return fileScope(file).options.constants.has(v.text) || new RegExp(`\\bconst\\s*\\(?[^)]*\\b${v.text}\\s*=`).test(fnText);
}

/**
 * A `return`, or a `break` of the loop, later in the defer's own block: the iteration that defers
 * is the last one.
 */
function leavesAfter(d: Node, loop: Node): boolean {
  const breaksLoop = !hasBreakableBetween(d, loop);
  // The parent's children, not nextNamedSibling: tree-sitter answers that by walking down from the root.
  const siblings = namedChildren(parentOf(d)!);
  for (const s of siblings.slice(siblings.findIndex((c) => c.id === d.id) + 1)) {
    if (typeOf(s) === 'return_statement') return true;
    if (typeOf(s) === 'break_statement' && (breaksLoop || namedChildren(s).some((c) => typeOf(c) === 'label_name'))) return true;
  }
  return false;
}

/** A select or switch between `d` and `loop`, which an unlabeled break would leave instead. */
function hasBreakableBetween(d: Node, loop: Node): boolean {
  for (let p = parentOf(d); p && p.id !== loop.id; p = parentOf(p)) if (BREAKABLE.has(typeOf(p))) return true;
  return false;
}

/**
 * The deferred call's receiver is kept for after the iteration: appended, put in a composite
 * literal, assigned elsewhere or used by a goroutine the loop starts. Releasing it when the function
 * returns is then the point (connections a later stage uses), and a per-iteration release would
 * close it while in use.
 */
function keptBeyondIteration(loop: Node, d: Node, operand: Node): boolean {
  if (!hasType(operand, 'identifier')) return false;
  const name = operand.text;
  const body = loop.childForFieldName('body');
  if (!body) return false;
  return body.descendantsOfType(['identifier', 'go_statement']).some((n) => {
    if (!n || n.startIndex < d.endIndex) return false;
    if (typeOf(n) === 'go_statement') return n.descendantsOfType('identifier').some((id) => id?.text === name);
    if (n.text !== name) return false;
    // Stored: an element of a composite literal or append, or the value of an assignment.
    const p = parentOf(n);
    const t = p && typeOf(p);
    if (t === 'literal_element' || t === 'keyed_element' || t === 'literal_value') return true;
    if (t === 'argument_list') return parentOf(p!)?.childForFieldName('function')?.text === 'append';
    if (t === 'expression_list') return typeOf(parentOf(p!)) === 'assignment_statement' && parentOf(p!)!.childForFieldName('right')?.id === p!.id;
    return false;
  });
}

/** `t.Stop()` of a time.NewTimer or AfterFunc timer: once fired it holds nothing but memory. */
function stopsTimer(operand: Node, fnText: string): boolean {
  return hasType(operand, 'identifier') && assignedTexts(fnText, operand.text).some((v) => /^time\.(NewTimer|AfterFunc)\(/.test(v));
}

/**
 * A defer in a select case on a timeout (`case <-timer.C:`) inside the loop: the case fires once, so
 * does the defer. Only up to the loop (a case around the loop does not stop it turning), which also
 * keeps the climb from costing the depth of every loop around it.
 */
function inTimeoutCase(file: GoFile, d: Node, loop: Node, fnText: string): boolean {
  for (let p = parentOf(d); p && p.id !== loop.id; p = parentOf(p)) {
    if (typeOf(p) === 'communication_case') {
      const ch = caseReceivedChannel(p);
      return !!ch && isTimeoutChannel(file, ch, fnText);
    }
  }
  return false;
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
  scope: {
    tests: { checked: false, why: 'a test function returns soon, and its loops run over a few cases: what its defers hold is released when the test returns.' },
    processLifetime: 'a command-line tool\'s main that loops over its arguments releases what it defers when the program exits.',
  },
  offByDefault:
    'on the standard library and the Kubernetes, etcd and gRPC modules a reviewer kept none of its findings: the loops that defer run a few times (a search that stops at the first success, a handful of versions), or the deferred resource is meant to live until the function returns.',
  triggers: ['defer'],
  alsoRequires: ['for'],
  // A loop's bound may be a constant of the file (fixedTurns), found by its name.
  readsAnywhere: ['const'],
  readsByName: true,
  docs: {
    description:
      '`defer` runs when the function returns, not at the end of the loop iteration. A `defer cancel()`, `defer t.Stop()`, `defer f.Close()` or `defer span.End()` inside a loop keeps every iteration\'s context, ticker, file or span alive until the whole loop — and the function — is done; a long or endless loop leaks without bound. Run the body in a function literal so the defer fires per iteration, or release explicitly at the end of the iteration. Not flagged: loops over a fixed list or a constant count, a defer followed by a `return` or a `break` of the loop in its block (the iteration that defers is the last), a resource the loop also stores or hands to a goroutine (it is meant to live until the function returns), a fired timer\'s `Stop`, a defer in a timeout\'s select case (it fires once), and the cancel of a `WithTimeout`/`WithDeadline` context, which ends by itself when its time is up.',
    bad: 'for _, path := range paths {\n\tf, err := os.Open(path)\n\tif err != nil {\n\t\treturn err\n\t}\n\tdefer f.Close()\n\tindex(f)\n}',
    good: 'for _, path := range paths {\n\tif err := func() error {\n\t\tf, err := os.Open(path)\n\t\tif err != nil {\n\t\t\treturn err\n\t\t}\n\t\tdefer f.Close()\n\t\treturn index(f)\n\t}(); err != nil {\n\t\treturn err\n\t}\n}',
  },
  check(ctx) {
    let cancels: Set<string> | undefined;
    const fnText = textOf(ctx.decl);
    for (const d of ctx.index.statements('defer')) {
      const loop = enclosingLoop(d);
      const call = namedChildren(d)[0];
      const parts = loop && call ? callParts(call) : undefined;
      if (!loop || !parts || leavesAfter(d, loop) || fixedTurns(ctx.file, loop, fnText) || inTimeoutCase(ctx.file, d, loop, fnText)) continue;
      const releases = parts.operand
        ? RELEASE_METHODS.has(parts.name) && !keptBeyondIteration(loop, d, parts.operand) && !(parts.name === 'Stop' && stopsTimer(parts.operand, fnText))
        : typeOf(parts.fn) === 'identifier' && (cancels ??= cancelNames(ctx)).has(parts.name);
      if (!releases) continue;
      const what = call.text.length > 60 ? `${parts.fn.text}(…)` : call.text;
      const message = `defer ${what} inside a loop runs only when the function returns: every iteration's resource stays alive until then`;
      ctx.report(d, message, { fix: () => wrapBodyFix(ctx.file, loop) });
    }
  },
};

