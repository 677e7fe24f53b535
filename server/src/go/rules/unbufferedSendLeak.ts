import { bufferOfOneFix, caseReceivedChannel, madeChannelName, unbufferedChanMake } from '../channels';
import { communicationCases, ownStatements, selectCases } from '../flow';
import type { GoRule } from '../rule';
import { enclosingFunction, functionBody, hasType, namedChildren, type Node, parentOf, unparen } from '../syntax';

/** True when a goroutine started by a func literal in `fn` sends on `name` with a plain (not select) send. */
function goroutineSends(fn: Node, name: string): boolean {
  return ownStatements(fn, ['go']).some((go) => {
    const callee = namedChildren(go)[0]?.childForFieldName('function');
    const literal = callee && unparen(callee);
    const body = hasType(literal, 'func_literal') ? functionBody(literal) : null;
    return !!body?.descendantsOfType('send_statement').some(
      (send) => !hasType(parentOf(send), 'communication_case') && send?.childForFieldName('channel')?.text === name,
    );
  });
}

/** A select in `fn` that receives from `name` and has another case that returns instead (timeout, ctx, default). */
function receiverCanGiveUp(fn: Node, name: string): Node | undefined {
  return ownStatements(fn, ['select']).find((select) => {
    const receiving = communicationCases(select).find((c) => caseReceivedChannel(c)?.text === name);
    return !!receiving && selectCases(select).some((c) => c.id !== receiving.id && ownStatements(c, ['return']).length > 0);
  });
}

export const unbufferedSendLeak: GoRule = {
  id: 'go/unbuffered-send-leak',
  language: 'go',
  title: 'Goroutine blocks forever sending on an unbuffered channel',
  defaultSeverity: 'warning',
  fixable: true,
  triggers: ['chan'],
  alsoRequires: ['go', 'select'],
  docs: {
    description:
      'A goroutine sends its result on an unbuffered channel while the receiver selects on that channel with a timeout or cancellation case that returns. When the receiver gives up first, nobody will ever receive: the send blocks forever and the goroutine leaks with everything it holds. A buffer of one lets the send complete.',
    bad: 'ch := make(chan result)\ngo func() { ch <- fetch() }()\nselect {\ncase r := <-ch:\n\treturn r, nil\ncase <-ctx.Done():\n\treturn result{}, ctx.Err()\n}',
    good: 'ch := make(chan result, 1)\ngo func() { ch <- fetch() }()\nselect {\ncase r := <-ch:\n\treturn r, nil\ncase <-ctx.Done():\n\treturn result{}, ctx.Err()\n}',
  },
  check({ index, report }) {
    for (const call of index.callsNamed(['make'])) {
      if (!unbufferedChanMake(call)) continue;
      const name = madeChannelName(call);
      const fn = enclosingFunction(call);
      if (!name || !fn || !goroutineSends(fn, name) || !receiverCanGiveUp(fn, name)) continue;
      report(call, `unbuffered channel ${name}: when the receiver returns early, the goroutine sending on it blocks forever`, {
        fix: () => bufferOfOneFix(call),
      });
    }
  },
};
