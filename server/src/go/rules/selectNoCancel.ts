import { caseReceivedChannel, isTimeoutChannel, selectWatchesStop } from '../channels';
import { contextParamAt } from '../contextScope';
import type { GoFile } from '../file';
import { communicationCases, hasDefaultCase, leavesLoop } from '../flow';
import { isTerminating } from '../ownership';
import type { GoRule } from '../rule';
import { wordFinder } from '../words';
import { doneCaseFix } from '../selectEdits';
import { callParts, enclosingFunction, enclosingLoop, type Node, textOf, typeOf, unparen } from '../syntax';

/** Failing a test ends the wait too: `t.Error` then looping again is rare, `framework.Failf` panics. */
const FAILS = new Set(['Fail', 'Failf', 'Fatalf', 'Fatal', 'FailNow']);

function endsOrFails(file: GoFile, stmt: Node): boolean {
  if (isTerminating(file, stmt)) return true;
  const call = unparen(stmt.namedChild(0)!);
  return typeOf(call) === 'call_expression' && FAILS.has(callParts(call)?.name ?? '');
}

/**
 * A timeout case that ends the loop (returns, breaks out, fails the test, or clears the loop's
 * condition): the loop cannot wait for ever, whatever ctx does.
 */
function boundedInTime(file: GoFile, select: Node, loop: Node, fnText: string): boolean {
  const condition = loop.namedChildren.find((c) => c && typeOf(c) !== 'block' && typeOf(c) !== 'for_clause' && typeOf(c) !== 'range_clause');
  const conditionWords = condition ? wordFinder(condition.descendantsOfType('identifier').map((n) => n!.text)) : undefined;
  return communicationCases(select).some((c) => {
    const ch = caseReceivedChannel(c);
    if (!ch || !isTimeoutChannel(file, ch, fnText)) return false;
    if (leavesLoop(c, loop, (s) => endsOrFails(file, s))) return true;
    const assigned = c.descendantsOfType(['assignment_statement']).flatMap((a) => (a ? [a.childForFieldName('left')?.text ?? ''] : []));
    return !!conditionWords && assigned.some((t) => conditionWords(t).size > 0);
  });
}

/**
 * A case on a channel of a producer given the context (`w, _ := store.Watch(ctx, …)` then
 * `<-w.ResultChan()`), or on a channel the function made for goroutines of its own: cancelling
 * ctx ends the producer, and the producer's end ends the loop.
 */
function producerWatchesContext(select: Node, ctxName: string, fnText: string): boolean {
  return communicationCases(select).some((c) => {
    const root = caseReceivedChannel(c)?.text.split(/[.(]/)[0];
    if (!root || !/^\w+$/.test(root)) return false;
    return (
      new RegExp(`\\b${root}\\b[\\w, ]*:?=[^\\n]*\\(\\s*${ctxName}\\b`).test(fnText) ||
      (new RegExp(`\\b${root}\\s*:=\\s*make\\(chan\\b`).test(fnText) && /\bgo\s/.test(fnText))
    );
  });
}

/** `for range xs`, `for i := 0; i < n; i++`: a loop that gathers a known number of results, not one that waits for ever. */
function isCounted(loop: Node): boolean {
  const clause = loop.namedChildren.find((c) => c && typeOf(c) !== 'block');
  return !!clause && (typeOf(clause) === 'range_clause' || (typeOf(clause) === 'for_clause' && !!clause.childForFieldName('condition')));
}

export const selectNoCancel: GoRule = {
  id: 'go/select-no-cancel',
  language: 'go',
  title: 'Blocking select in a loop ignores the context',
  defaultSeverity: 'warning',
  fixable: true,
  scope: {
    tests: { checked: true, why: 'a test loop that ignores its context hangs until the test binary times out.' },
  },
  triggers: ['select'],
  alsoRequires: ['for', 'Context'],
  docs: {
    description:
      'A function that receives a context and loops over a blocking `select` without a `case <-ctx.Done()` cannot be stopped: when the caller cancels, the loop keeps waiting on its other channels and the goroutine, with everything it references, leaks. A case on any `x.Done()` or on a channel named like done, quit, stop, exit, close, cancel, interrupt, shutdown or abort counts as a way out. Loops with a timeout case that leaves them (`case <-time.After(d): return`, a timer\'s channel, a test that fails on timeout) and loops that gather a known number of results (`for range xs`) are not flagged: the rule is about loops that can wait for ever.',
    bad: 'func consume(ctx context.Context, in <-chan Job) {\n\tfor {\n\t\tselect {\n\t\tcase job := <-in:\n\t\t\thandle(job)\n\t\t}\n\t}\n}',
    good: 'func consume(ctx context.Context, in <-chan Job) {\n\tfor {\n\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\tcase job := <-in:\n\t\t\thandle(job)\n\t\t}\n\t}\n}',
  },
  check({ file, index, report }) {
    for (const select of index.statements('select')) {
      const loop = hasDefaultCase(select) || selectWatchesStop(select) ? null : enclosingLoop(select);
      if (!loop || isCounted(loop)) continue;
      const ctxName = contextParamAt(file, select);
      const fn = ctxName ? enclosingFunction(select) : null;
      const fnText = fn ? textOf(fn) : '';
      if (!ctxName || boundedInTime(file, select, loop, fnText) || producerWatchesContext(select, ctxName, fnText)) continue;
      report(select, `select in a loop without case <-${ctxName}.Done(): cancelling ${ctxName} does not stop this loop`, {
        fix: () => {
          const fix = doneCaseFix(file, select, ctxName);
          return fix && { ...fix, changesBehavior: `the loop now returns when ${ctxName} is cancelled` };
        },
      });
    }
  },
};
