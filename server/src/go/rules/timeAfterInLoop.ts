import type { Fix } from '../../engine/types';
import { pkgCalls } from '../callees';
import { freeName, indentAt, insertLinesBefore, replaceNode } from '../edits';
import type { GoFile } from '../file';
import { selectCases } from '../flow';
import { alwaysLeaves, positionOf } from '../ownership';
import type { GoRule, GoRuleContext } from '../rule';
import { callParts, enclosingLoop, hasType, type Node, parentOf, statementsOf, typeOf } from '../syntax';
import { selectReceiving, timersCollected } from '../timers';

/** `<-time.After(d)` as a statement just sleeps: the timer fires and is gone. */
function isSleep(call: Node): boolean {
  let recv = parentOf(call);
  while (hasType(recv, 'parenthesized_expression')) recv = parentOf(recv);
  if (!hasType(recv, 'unary_expression') || recv.childForFieldName('operator')?.text !== '<-') return false;
  return positionOf(recv).kind === 'dropped';
}

/**
 * One timer at a time: every other case of the select (and its default) leaves the loop for good
 * — returns, ends the goroutine, or breaks out of a loop no other loop encloses — so a timer is
 * only made again once the last one has fired.
 */
function oneTimerAtATime(file: GoFile, loop: Node, select: Node, timerCase: Node): boolean {
  const labeled = parentOf(loop);
  const label = hasType(labeled, 'labeled_statement') && !enclosingLoop(loop) ? labeled.childForFieldName('label')?.text : undefined;
  return selectCases(select).every((c) => c.id === timerCase.id || alwaysLeaves(file, statementsOf(c), label));
}

/**
 * `tick = time.After(d)` inside the very case that received from tick (`case <-tick:`): the timer
 * is made again only once the last one fired.
 */
function rearmedOnFire(call: Node): boolean {
  const pos = positionOf(call);
  const target = pos.kind === 'assigned' && pos.left.length === pos.right.length ? pos.left[pos.index] : undefined;
  if (!target || typeOf(target) !== 'identifier') return false;
  for (let p = parentOf(call); p && typeOf(p) !== 'for_statement'; p = parentOf(p)) {
    if (typeOf(p) !== 'communication_case') continue;
    const comm = p.childForFieldName('communication');
    return !!comm && comm.text.replace(/\s+/g, '') === `<-${target.text}`;
  }
  return false;
}

/**
 * True when `d` can be evaluated before the loop with the same value: no calls (conversions to
 * time.Duration aside), receives or closures, and no variable the loop declares or assigns.
 */
function evaluableBefore(file: GoFile, d: Node, loop: Node): boolean {
  const calls = [d, ...d.descendantsOfType('call_expression').filter((n): n is Node => !!n)].filter((n) => typeOf(n) === 'call_expression');
  if (calls.some((c) => !file.refersTo(callParts(c)?.fn ?? c, 'time', ['Duration']))) return false;
  if (d.descendantsOfType(['func_literal', 'unary_expression']).some((n) => hasType(n, 'func_literal') || n?.childForFieldName('operator')?.text === '<-')) {
    return false;
  }
  const changedInLoop = new Set(
    loop
      .descendantsOfType('identifier')
      .filter((n): n is Node => !!n && (positionOf(n).kind === 'target' || hasType(parentOf(n), 'parameter_declaration')))
      .map((n) => n.text),
  );
  const used = typeOf(d) === 'identifier' ? [d] : d.descendantsOfType('identifier').filter((n): n is Node => !!n);
  return !used.some((n) => changedInLoop.has(n.text));
}

/**
 * Hoists one timer out of the loop: `timer := time.NewTimer(d)` + `defer timer.Stop()` before it,
 * a Reset before the select, stopping and draining it first (before Go 1.23 a Reset could leave a
 * stale tick in the channel), and `case <-timer.C:`.
 */
function hoistTimerFix(ctx: GoRuleContext, call: Node, loop: Node, select: Node): Fix | undefined {
  const { file } = ctx;
  const args = callParts(call)?.args ?? [];
  const d = args[0];
  const timePkg = file.localNameOf('time');
  const label = parentOf(loop);
  const loopStmt = hasType(label, 'labeled_statement') ? label : loop;
  if (args.length !== 1 || d.startPosition.row !== d.endPosition.row || !timePkg) return undefined;
  if (enclosingLoop(loop) || !hasType(parentOf(loopStmt), 'statement_list') || !hasType(parentOf(select), 'statement_list')) return undefined;
  if (!evaluableBefore(file, d, loop)) return undefined;
  const t = freeName(ctx.decl, 'timer');
  const reset = [`if !${t}.Stop() {`, '\tselect {', `\tcase <-${t}.C:`, '\tdefault:', '\t}', '}', `${t}.Reset(${d.text})`];
  return {
    title: `Reuse one timer: ${timePkg}.NewTimer before the loop, Reset per iteration`,
    preferred: true,
    edits: [
      insertLinesBefore(file, loopStmt, [`${t} := ${timePkg}.NewTimer(${d.text})`, `defer ${t}.Stop()`], indentAt(file, loop)),
      insertLinesBefore(file, select, reset),
      replaceNode(call, `${t}.C`),
    ],
  };
}

export const timeAfterInLoop: GoRule = {
  id: 'go/time-after-in-loop',
  language: 'go',
  title: 'time.After in a loop',
  defaultSeverity: 'warning',
  fixable: true,
  scope: {
    tests: {
      checked: false,
      why: 'each timer lives only until it fires, and a test binary is short-lived: timers piled up by a test loop are gone long before they could matter.',
    },
  },
  triggers: ['After'],
  alsoRequires: ['for'],
  docs: {
    description:
      'Every call of `time.After` creates a timer that lives until it fires. In a loop whose `select` usually finishes through another case, each iteration leaves one more timer behind — before Go 1.23 for the full duration, so a busy loop with a long timeout holds thousands of them. Create one timer before the loop and `Reset` it each iteration (stop and drain it first). Not flagged: a plain `<-time.After(d)` sleep (that timer always fires), and a select whose other cases all leave the loop (one timer at a time). Since Go 1.23 the garbage collector reclaims a timer nobody references before it fires: in modules whose `go` line is 1.23 or later (without `godebug asynctimerchan=1`) the rule reports nothing.',
    bad: 'for {\n\tselect {\n\tcase <-ctx.Done():\n\t\treturn\n\tcase msg := <-in:\n\t\thandle(msg)\n\tcase <-time.After(time.Minute):\n\t\tflush()\n\t}\n}',
    good: 'timer := time.NewTimer(time.Minute)\ndefer timer.Stop()\nfor {\n\tif !timer.Stop() {\n\t\tselect {\n\t\tcase <-timer.C:\n\t\tdefault:\n\t\t}\n\t}\n\ttimer.Reset(time.Minute)\n\tselect {\n\tcase <-ctx.Done():\n\t\treturn\n\tcase msg := <-in:\n\t\thandle(msg)\n\tcase <-timer.C:\n\t\tflush()\n\t}\n}',
  },
  check(ctx) {
    const { file, index, report } = ctx;
    if (timersCollected(file)) return;
    for (const call of pkgCalls(file, index, 'time', ['After'])) {
      const loop = enclosingLoop(call);
      const recv = selectReceiving(call);
      if (!loop || isSleep(call) || rearmedOnFire(call)) continue;
      if (recv && (!recv.raced || oneTimerAtATime(file, loop, recv.select, recv.commCase))) continue;
      report(call, 'time.After in a loop creates a new timer every iteration that stays alive until it fires', {
        fix: () => (recv ? hoistTimerFix(ctx, call, loop, recv.select) : undefined),
      });
    }
  },
};
