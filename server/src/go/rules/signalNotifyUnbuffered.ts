import { pkgCalls } from '../callees';
import { bufferOfOneFix, madeChannelName, unbufferedChanMake } from '../channels';
import type { GoRule } from '../rule';
import { callParts, hasType, isFunctionNode, type Node, parentOf } from '../syntax';

/** The unbuffered `make(chan …)` calls of each function, read once per function: a function may hold many Notify calls. */
const makesOf = new WeakMap<object, Map<number, Node[]>>();

function unbufferedMakes(key: object, fn: Node): Node[] {
  let byFn = makesOf.get(key);
  if (!byFn) makesOf.set(key, (byFn = new Map()));
  let makes = byFn.get(fn.id);
  if (!makes) byFn.set(fn.id, (makes = fn.descendantsOfType('call_expression').filter((c): c is Node => !!c && !!unbufferedChanMake(c))));
  return makes;
}

/** The unbuffered `make(chan …)` assigned to `name` in the nearest function around `at` that assigns one. */
function unbufferedMakeOf(key: object, name: string, at: Node): Node | undefined {
  for (let fn = parentOf(at); fn; fn = parentOf(fn)) {
    if (!isFunctionNode(fn)) continue;
    const make = unbufferedMakes(key, fn).find((c) => madeChannelName(c) === name);
    if (make) return make;
  }
  return undefined;
}

export const signalNotifyUnbuffered: GoRule = {
  id: 'go/signal-notify-unbuffered',
  language: 'go',
  title: 'signal.Notify on an unbuffered channel',
  defaultSeverity: 'warning',
  fixable: true,
  triggers: ['Notify'],
  docs: {
    description:
      '`signal.Notify` does not block when it delivers a signal: if nobody is receiving at that moment, the signal is dropped. With an unbuffered channel a SIGTERM that arrives while the program is busy is lost, and the graceful shutdown it should have started never runs.',
    bad: 'sig := make(chan os.Signal)\nsignal.Notify(sig, syscall.SIGTERM)',
    good: 'sig := make(chan os.Signal, 1)\nsignal.Notify(sig, syscall.SIGTERM)',
  },
  check({ file, index, report }) {
    const seen = new Set<number>();
    for (const call of pkgCalls(file, index, 'os/signal', ['Notify'])) {
      const channel = callParts(call)?.args[0];
      const make = hasType(channel, 'identifier') ? unbufferedMakeOf(file, channel.text, call) : undefined;
      if (!make || seen.has(make.id)) continue;
      seen.add(make.id);
      report(make, 'signal.Notify drops signals sent while nobody receives from an unbuffered channel: give it a buffer of 1', {
        fix: () => bufferOfOneFix(make),
      });
    }
  },
};
