import { pkgCalls } from '../callees';
import { bufferOfOneFix, madeChannelName, unbufferedChanMake } from '../channels';
import type { GoRule } from '../rule';
import type { GoFile } from '../file';
import { callParts, hasType, isFunctionNode, isInside, type Node, parentOf } from '../syntax';

/**
 * The unbuffered `make(chan …)` calls of a declaration by the variable each is assigned to, read
 * once per declaration: a declaration may hold many Notify calls, and most name no such variable.
 */
const makesOf = new WeakMap<GoFile, Map<number, Map<string, Node[]>>>();

function unbufferedMakesByName(file: GoFile, decl: Node): Map<string, Node[]> {
  let byDecl = makesOf.get(file);
  if (!byDecl) makesOf.set(file, (byDecl = new Map()));
  let byName = byDecl.get(decl.id);
  if (byName) return byName;
  byDecl.set(decl.id, (byName = new Map()));
  for (const c of decl.descendantsOfType('call_expression')) {
    const name = c && unbufferedChanMake(c) ? madeChannelName(c) : undefined;
    if (name) byName.set(name, [...(byName.get(name) ?? []), c!]);
  }
  return byName;
}

/** The unbuffered `make(chan …)` assigned to `name` in the nearest function around `at` that assigns one. */
function unbufferedMakeOf(file: GoFile, decl: Node, name: string, at: Node): Node | undefined {
  const candidates = unbufferedMakesByName(file, decl).get(name);
  if (!candidates) return undefined;
  for (let fn = parentOf(at); fn; fn = parentOf(fn)) {
    if (!isFunctionNode(fn)) continue;
    const make = candidates.find((c) => isInside(c, fn));
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
  check({ file, decl, index, report }) {
    const seen = new Set<number>();
    for (const call of pkgCalls(file, index, 'os/signal', ['Notify'])) {
      const channel = callParts(call)?.args[0];
      const make = hasType(channel, 'identifier') ? unbufferedMakeOf(file, decl, channel.text, call) : undefined;
      if (!make || seen.has(make.id)) continue;
      seen.add(make.id);
      report(make, 'signal.Notify drops signals sent while nobody receives from an unbuffered channel: give it a buffer of 1', {
        fix: () => bufferOfOneFix(make),
      });
    }
  },
};
