import type { Fix } from '../../engine/types';
import { appendArgument, renameCallee } from '../callEdits';
import { pkgCalls } from '../callees';
import { secondsExpr } from '../durations';
import type { GoFile } from '../file';
import type { GoRule } from '../rule';
import { callParts, type Node } from '../syntax';

/** `net.Dial(network, addr)` -> `net.DialTimeout(network, addr, 10*time.Second)`. */
function dialTimeoutFix(file: GoFile, call: Node): Fix | undefined {
  if (callParts(call)?.args.length !== 2) return undefined;
  const timeout = secondsExpr(file, 10, true);
  const rename = renameCallee(call, 'DialTimeout');
  const append = appendArgument(file, call, timeout.text);
  if (!rename || !append) return undefined;
  return { title: `Use net.DialTimeout(…, ${timeout.text})`, preferred: true, edits: [...timeout.edits, rename, append] };
}

export const netDialNoTimeout: GoRule = {
  id: 'go/net-dial-no-timeout',
  language: 'go',
  title: 'net.Dial without a timeout',
  defaultSeverity: 'warning',
  fixable: true,
  peerNames: ['noctx'],
  triggers: ['Dial'],
  docs: {
    description:
      '`net.Dial` has no timeout: when the peer or the network drops packets, connecting blocks for as long as the operating system keeps retrying (minutes), and the goroutine waits with it. Use `net.DialTimeout`, or a `net.Dialer` with `Timeout` and `DialContext`.',
    bad: 'conn, err := net.Dial("tcp", addr)',
    good: 'conn, err := net.DialTimeout("tcp", addr, 10*time.Second)',
  },
  check({ file, index, report }) {
    for (const call of pkgCalls(file, index, 'net', ['Dial'])) {
      report(call, 'net.Dial has no timeout and can block for minutes: use net.DialTimeout or a net.Dialer with Timeout', {
        fix: () => dialTimeoutFix(file, call),
      });
    }
  },
};
