import type { Fix } from '../../engine/types';
import { pkgCalls } from '../callees';
import { freeName, indentAt, insertLinesBefore, replaceNode } from '../edits';
import { canReturn, positionOf } from '../ownership';
import type { GoRule, GoRuleContext } from '../rule';
import { callParts, enclosingFunction, enclosingLoop, hasType, type Node, parentOf, typeOf } from '../syntax';
import { selectReceiving, timersCollected } from '../timers';

/**
 * The statement a ticker must be created before: `tick := time.Tick(d)`, `for range time.Tick(d)`
 * or the select with `case <-time.Tick(d):`; undefined when the channel is used any other way.
 */
function tickStatement(call: Node): Node | undefined {
  const pos = positionOf(call);
  if (pos.kind === 'assigned') {
    let stmt: Node | null = pos.stmt;
    while (stmt && typeOf(stmt) !== 'short_var_declaration' && typeOf(stmt) !== 'assignment_statement' && typeOf(stmt) !== 'var_declaration') stmt = parentOf(stmt);
    return stmt ?? undefined;
  }
  const clause = parentOf(call);
  if (hasType(clause, 'range_clause') && clause.childForFieldName('right')?.id === call.id) return parentOf(clause) ?? undefined;
  return selectReceiving(call)?.select;
}

/** `ticker := time.NewTicker(d)` + `defer ticker.Stop()` before the statement, and `ticker.C` for the channel. */
function newTickerFix(ctx: GoRuleContext, call: Node): Fix | undefined {
  const { file } = ctx;
  const args = callParts(call)?.args ?? [];
  const stmt = tickStatement(call);
  const anchor = hasType(parentOf(stmt), 'labeled_statement') ? parentOf(stmt) : stmt;
  const timePkg = file.localNameOf('time');
  if (!stmt || !anchor || !hasType(parentOf(anchor), 'statement_list') || enclosingLoop(stmt) || !timePkg) return undefined;
  if (args.length !== 1 || args[0].startPosition.row !== args[0].endPosition.row) return undefined;
  const t = freeName(ctx.decl, 'ticker');
  return {
    title: `Use ${timePkg}.NewTicker and stop it when the function returns`,
    preferred: true,
    edits: [
      insertLinesBefore(file, anchor, [`${t} := ${timePkg}.NewTicker(${args[0].text})`, `defer ${t}.Stop()`], indentAt(file, stmt)),
      replaceNode(call, `${t}.C`),
    ],
  };
}

export const timeTick: GoRule = {
  id: 'go/time-tick',
  language: 'go',
  title: 'time.Tick in a function that returns',
  defaultSeverity: 'warning',
  fixable: true,
  scope: {
    tests: { checked: true, why: 'each call leaves a ticker firing for the rest of the test binary.' },
    processLifetime: 'in code that runs for the whole process (main, init) the ticker lives exactly as long as it is needed.',
  },
  triggers: ['Tick'],
  docs: {
    description:
      '`time.Tick` returns only the channel of a ticker that can never be stopped. In a function that returns, the ticker outlives it and keeps firing — before Go 1.23 for the life of the process, one more each call. Use `time.NewTicker` and `defer t.Stop()`. Not flagged in functions that never return (a forever-loop goroutine) or in code that runs for the whole process (`main`, `init`). Since Go 1.23 the garbage collector reclaims a ticker nobody references, so `time.Tick` is fine there: in modules whose `go` line is 1.23 or later (without `godebug asynctimerchan=1`) the rule reports nothing.',
    bad: 'func waitReady(ctx context.Context, ready func() bool) error {\n\tfor range time.Tick(time.Second) {\n\t\tif ready() {\n\t\t\treturn nil\n\t\t}\n\t}\n\treturn nil\n}',
    good: 'func waitReady(ctx context.Context, ready func() bool) error {\n\tticker := time.NewTicker(time.Second)\n\tdefer ticker.Stop()\n\tfor range ticker.C {\n\t\tif ready() {\n\t\t\treturn nil\n\t\t}\n\t}\n\treturn nil\n}',
  },
  check(ctx) {
    const { file, index, report } = ctx;
    if (timersCollected(file)) return;
    for (const call of pkgCalls(file, index, 'time', ['Tick'])) {
      const fn = enclosingFunction(call);
      if (!fn || !canReturn(file, fn)) continue;
      report(call, 'time.Tick creates a ticker that can never be stopped: it keeps firing after this function returns', {
        fix: () => newTickerFix(ctx, call),
      });
    }
  },
};
