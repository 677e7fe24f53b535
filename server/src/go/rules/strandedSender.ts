import type { Fix, TextEdit } from '../../engine/types';
import { contextInScope } from '../contextScope';
import type { GoFile } from '../file';
import { chanKeyOf } from '../goroutines/ir';
import { sendOrDoneEdit } from '../selectEdits';
import { replaceNode } from '../edits';
import { describe, isExact, type Count } from '../goroutines/counts';
import { exitPhrase, leakRelated, STRANDED_GOROUTINE } from '../goroutines/leakReport';
import { goroutineModel, type ChannelLeak } from '../goroutines/model';
import type { GoRule } from '../rule';
import { callParts, enclosingFunction, enclosingLoop, hasType, isInside, namedChildren, type Node, parentOf, typeOf, unparen } from '../syntax';

/** The buffer that lets every send complete, as Go text: a number, or the count of the loop that starts the senders. */
function neededBuffer(leak: ChannelLeak): string | undefined {
  const { sends, taken } = leak;
  if (!sends || !taken || !isExact(taken)) return undefined;
  const [, size] = callParts(leak.made!)?.args ?? [];
  const current = size ? Number(size.text) : 0;
  if (isExact(sends)) return String(current + sends.n - taken.n);
  // One goroutine per iteration of the loop around the `go`: a buffer as large as that loop.
  if (sends.inf || sends.syms.length !== 1 || sends.n > 0 || taken.n > 0) return undefined;
  const loop = enclosingLoop(leak.at);
  const clause = loop && namedChildren(loop).find((c) => c.id !== loop.childForFieldName('body')?.id);
  if (!clause) return undefined;
  const sym = sends.syms[0];
  if (typeOf(clause) === 'range_clause') {
    const over = clause.childForFieldName('right');
    return over && `#${over.text}` === sym ? `len(${over.text})` : undefined;
  }
  const bound = typeOf(clause) === 'for_clause' ? clause.childForFieldName('condition')?.childForFieldName('right') : undefined;
  if (!bound) return undefined;
  const b = unparen(bound);
  const lenOf = typeOf(b) === 'call_expression' && callParts(b)?.name === 'len' ? callParts(b)!.args[0]?.text : undefined;
  return `#${lenOf ?? b.text}` === sym ? b.text : undefined;
}

/** Gives the channel's `make` the buffer its senders need, when its size is written as a number (or absent). */
function bufferFix(leak: ChannelLeak): Fix | undefined {
  const make = leak.made;
  const [type, size] = (make && callParts(make)?.args) ?? [];
  if (!make || !type || (size && typeOf(size) !== 'int_literal')) return undefined;
  const buffer = neededBuffer(leak);
  if (!buffer) return undefined;
  return {
    title: `Give ${leak.channel} a buffer of ${buffer} so every send completes`,
    preferred: true,
    edits: [replaceNode(make, `make(${type.text}, ${buffer})`)],
  };
}

/**
 * For a goroutine started on a func literal with a context in scope at its sends: each blocking
 * send on the channel in the literal's own body becomes a select that gives up when the context is
 * done, so cancelling the context releases the goroutine.
 */
function sendOrDoneFix(file: GoFile, leak: ChannelLeak): Fix | undefined {
  const call = hasType(leak.at, 'go_statement') ? namedChildren(leak.at)[0] : undefined;
  const literal = call && typeOf(call) === 'call_expression' ? call.childForFieldName('function') : null;
  if (!literal || typeOf(literal) !== 'func_literal') return undefined;
  // Sends that are a select's case are left as they are: that select is where a way out goes.
  const sends = literal
    .descendantsOfType('send_statement')
    .filter((s): s is Node => !!s && enclosingFunction(s)?.id === literal.id && typeOf(parentOf(s)) !== 'communication_case' && chanKeyOf(s.childForFieldName('channel')) === leak.channel);
  if (sends.length === 0) return undefined;
  const ctxName = contextInScope(file, sends[0]);
  if (!ctxName || sends.some((s) => contextInScope(file, s) !== ctxName)) return undefined;
  const edits = sends.map((s) => sendOrDoneEdit(file, s, ctxName));
  if (edits.some((e) => !e)) return undefined;
  return {
    title: `Give up sending on ${leak.channel} when ${ctxName} is done`,
    preferred: true,
    changesBehavior: `the goroutine now stops sending when ${ctxName} is cancelled`,
    edits: edits as TextEdit[],
  };
}

function sendsText(sends: Count): string {
  if (isExact(sends)) return sends.n === 1 ? 'a value' : `${sends.n} values`;
  return sends.inf ? 'values without bound' : 'one value per loop iteration';
}

function takenText(taken: Count): string {
  return isExact(taken) ? `room for only ${describe(taken)} (receives plus buffer)` : 'fewer receives than sends';
}

export const strandedSender: GoRule = {
  id: 'go/stranded-sender',
  language: 'go',
  title: 'Goroutine stranded on a send',
  defaultSeverity: 'warning',
  fixable: true,
  formerIds: ['go/unbuffered-send-leak'],
  ...STRANDED_GOROUTINE,
  docs: {
    description:
      'A goroutine sends on a channel made by the function that started it, and on some path that function leaves without receiving enough: it returns early, a `select` takes the timeout or cancellation case (with or without `return`), it takes the first of N results, or it stops ranging before the senders are done. With no receiver left and no room in the buffer, the send blocks forever and the goroutine leaks with everything it holds. Also flagged: a goroutine sending to a loop that receives until a stop channel is signalled, when the function signals that stop (the sender may still be waiting once the loop has quit). The model follows sends through functions and methods of the same file, counts goroutines started in loops, treats the channels a constructor of the file makes in the struct it returns (`w := newWatcher(0)`) as the caller\'s, and judges only channels that never leave the function. Give the channel a buffer as large as the sends that can be left over (the quick fix, when the count is known), or let the sender give up: with a context in scope, the quick fix wraps the sending goroutine\'s sends in `select { case ch <- v: case <-ctx.Done(): }`.',
    bad: 'result := make(chan Result)\ngo func() { result <- compute() }()\nselect {\ncase r := <-result:\n\tuse(r)\ncase <-time.After(time.Second):\n\thttp.Error(w, "slow", http.StatusGatewayTimeout)\n}',
    good: 'result := make(chan Result, 1)\ngo func() { result <- compute() }()\nselect {\ncase r := <-result:\n\tuse(r)\ncase <-time.After(time.Second):\n\thttp.Error(w, "slow", http.StatusGatewayTimeout)\n}',
  },
  check({ file, decl, report }) {
    for (const leak of goroutineModel(file, decl).leaks) {
      if (leak.shape !== 'sender') continue;
      const at: Node = leak.at;
      const why = leak.receiverStoppedBy
        ? `the loop that receives it stops once ${leak.receiverStoppedBy} is signalled, which ${exitPhrase(leak)} does`
        : `${exitPhrase(leak)} leaves ${takenText(leak.taken!)}`;
      report(at, `goroutine can block forever sending on ${leak.channel}: it sends ${sendsText(leak.sends!)}, but ${why}`, {
        related: leakRelated(leak, 'this path leaves without receiving what the goroutine sends'),
        // A make in another function (a constructor) serves its other callers too.
        fix: () => (leak.made && isInside(leak.made, decl) ? bufferFix(leak) : undefined) ?? sendOrDoneFix(file, leak),
      });
    }
  },
};
