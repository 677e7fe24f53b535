import type { Fix } from '../../engine/types';
import { deleteLines, insertLinesAfter, insertLinesBefore } from '../edits';
import type { GoFile } from '../file';
import { exitPhrase, leakRelated, returnRange, STRANDED_GOROUTINE } from '../goroutines/leakReport';
import { goroutineModel, type ChannelLeak } from '../goroutines/model';
import type { GoRule } from '../rule';
import { callParts, enclosingFunction, enclosingStatement, functionBody, hasType, namedChildren, parentOf, statementsOf, textOf, typeOf, unparen } from '../syntax';

function message(leak: ChannelLeak): string {
  const ch = leak.channel;
  switch (leak.shape) {
    case 'range':
      return `goroutine ranges over ${ch}, but ${exitPhrase(leak)} never closes it: the range never ends and the goroutine leaks`;
    case 'stop':
      return `goroutine runs until ${ch} is closed or sent on, but ${exitPhrase(leak)} does neither: the goroutine never exits`;
    case 'owner':
      return `receiving from ${ch} blocks forever: nothing sends on it or closes it`;
    case 'skipped':
      return `receiving from ${ch} can block forever: the goroutine that signals it leaves at line ${returnRange(leak.silentReturn!).start.line + 1} without sending on it or closing it`;
    default:
      return `goroutine waits to receive from ${ch}, but on ${exitPhrase(leak)} nothing sends on it or closes it: the goroutine blocks forever`;
  }
}

/**
 * `defer close(ch)` right after the statement that makes ch: the goroutines ranging over it or
 * waiting for it to close are released when the function returns, on every path. Offered when
 * the function makes the channel with `:=` in its own block (so the close is in scope) and
 * nothing else closes or sends on it (a send after the close would panic).
 */
function deferCloseFix(file: GoFile, leak: ChannelLeak): Fix | undefined {
  if ((leak.shape !== 'range' && leak.shape !== 'stop') || !leak.ownerAloneSends || leak.exit.kind === 'iteration') return undefined;
  const stmt = leak.made && enclosingStatement(leak.made);
  if (!stmt || !hasType(parentOf(stmt), 'statement_list') || leak.channel.includes('.')) return undefined;
  return {
    title: `Close ${leak.channel} when the function returns (defer close(${leak.channel}))`,
    preferred: true,
    changesBehavior: `goroutines waiting on ${leak.channel} now stop when the function returns`,
    edits: [insertLinesAfter(file, stmt, [`defer close(${leak.channel})`])],
  };
}

/**
 * For a skipped signal: the goroutine literal's closing `close(ch)`, its last statement, becomes
 * `defer close(ch)` at its top, so the early returns close ch too. Offered when that is the
 * literal's only mention of `ch` (no send that a close could make panic).
 */
function closeOnEveryReturnFix(file: GoFile, leak: ChannelLeak): Fix | undefined {
  const ret = leak.silentReturn;
  const literal = ret && (typeOf(ret) === 'func_literal' ? ret : enclosingFunction(ret));
  if (!literal || typeOf(literal) !== 'func_literal' || !hasType(parentOf(parentOf(literal)), 'go_statement')) return undefined;
  const statements = statementsOf(functionBody(literal));
  const last = statements.at(-1);
  const call = last && typeOf(last) === 'expression_statement' ? unparen(namedChildren(last)[0]) : undefined;
  const parts = call && typeOf(call) === 'call_expression' ? callParts(call) : undefined;
  if (!parts || parts.name !== 'close' || typeOf(parts.fn) !== 'identifier' || parts.args[0]?.text !== leak.channel) return undefined;
  const mentions = textOf(literal).match(new RegExp(`\\b${leak.channel.replace(/\./g, '\\.')}\\b`, 'g'));
  if (mentions?.length !== 1) return undefined;
  return {
    title: `Close ${leak.channel} on every return of the goroutine (defer close(${leak.channel}))`,
    preferred: true,
    changesBehavior: `${leak.channel} is now closed when the goroutine returns early too`,
    edits: [insertLinesBefore(file, statements[0], [`defer close(${leak.channel})`]), deleteLines(file, last!)],
  };
}

export const strandedReceiver: GoRule = {
  id: 'go/stranded-receiver',
  language: 'go',
  title: 'Goroutine stranded on a receive',
  defaultSeverity: 'warning',
  fixable: true,
  ...STRANDED_GOROUTINE,
  docs: {
    description:
      'A goroutine waits on a channel made by the function that started it, and on some path that function leaves without sending on it or closing it: a `done` or `ready` channel signalled only on success, a `for v := range jobs` whose channel is never closed (or not when the function returns early), a worker loop whose only way out is a stop channel nobody closes, or the function itself receiving from a channel nothing will ever send on — or that the one goroutine signalling it skips on some path (`close(done)` after the work, not on the early return; the quick fix turns that last `close(done)` into a `defer close(done)` at the top of the goroutine). The goroutine blocks forever and leaks with everything it holds. Only channels that never leave the function are judged; sends and closes are followed through functions and methods of the same file (`w.Stop()`).',
    bad: 'jobs := make(chan Job)\nfor i := 0; i < workers; i++ {\n\tgo func() {\n\t\tfor j := range jobs {\n\t\t\thandle(j)\n\t\t}\n\t}()\n}\nfor _, j := range todo {\n\tjobs <- j\n}',
    good: 'jobs := make(chan Job)\ndefer close(jobs)\nfor i := 0; i < workers; i++ {\n\tgo func() {\n\t\tfor j := range jobs {\n\t\t\thandle(j)\n\t\t}\n\t}()\n}\nfor _, j := range todo {\n\tjobs <- j\n}',
  },
  check({ file, decl, report }) {
    for (const leak of goroutineModel(file, decl).leaks) {
      if (leak.shape === 'sender') continue;
      const related =
        leak.shape === 'skipped'
          ? [{ range: returnRange(leak.silentReturn!), message: `the goroutine leaves here without signalling ${leak.channel}` }]
          : leakRelated(leak, leak.shape === 'owner' ? 'the function leaves here' : 'this path leaves without sending or closing');
      report(leak.at, message(leak), {
        related,
        fix: () => (leak.shape === 'skipped' ? closeOnEveryReturnFix(file, leak) : deferCloseFix(file, leak)),
      });
    }
  },
};
