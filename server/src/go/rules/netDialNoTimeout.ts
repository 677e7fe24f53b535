import type { Fix } from '../../engine/types';
import { appendArgument, renameCallee } from '../callEdits';
import { pkgCalls } from '../callees';
import { secondsExpr } from '../durations';
import type { GoFile } from '../file';
import { isLocalNetwork, isLoopbackAddress, isSocketPath } from '../localEndpoints';
import { runByHand } from '../handRun';
import type { GoRule } from '../rule';
import { callParts, type Node, parametersOf, typeOf, unparen } from '../syntax';

/** `net.Dial(network, addr)` -> `net.DialTimeout(network, addr, 10*time.Second)`. */
function dialTimeoutFix(file: GoFile, call: Node): Fix | undefined {
  if (callParts(call)?.args.length !== 2) return undefined;
  const timeout = secondsExpr(file, 10, true);
  const rename = renameCallee(call, 'DialTimeout');
  const append = appendArgument(file, call, timeout.text);
  if (!rename || !append) return undefined;
  return {
    title: `Use net.DialTimeout(…, ${timeout.text})`,
    preferred: true,
    edits: [...timeout.edits, rename, append],
    changesBehavior: 'connecting now fails after 10 seconds',
  };
}

/** A dial that cannot stall on a slow peer: a local or connectionless network, a socket path or a loopback address. */
function dialsLocally(file: GoFile, call: Node): boolean {
  const [network, address] = callParts(call)?.args ?? [];
  return (!!network && isLocalNetwork(network)) || (!!address && (isSocketPath(address) || isLoopbackAddress(file, address)));
}

/**
 * A wrapper whose contract is net.Dial's: a function or method named Dial (net/rpc.Dial, smtp.Dial,
 * a deprecated Dialer.Dial), or one named Dial… that passes its own network and address
 * parameters straight on (rpc.DialHTTPPath). The caller chose the blocking call; the fix is theirs.
 */
function isDialWrapper(file: GoFile, decl: Node, call: Node): boolean {
  const type = typeOf(decl);
  const name = decl.childForFieldName('name')?.text ?? '';
  if (type === 'method_declaration' && dialsStoredParameters(file, call)) return true;
  if ((type !== 'function_declaration' && type !== 'method_declaration') || !name.startsWith('Dial')) return false;
  if (name === 'Dial') return true;
  const params = new Set(parametersOf(decl).map((p) => p.name));
  const args = callParts(call)?.args ?? [];
  return args.length === 2 && args.every((a) => params.has(unparen(a).text));
}

/**
 * A method dialing two fields of a value (`w.network`, `w.raddr`) that a `Dial…` function of the
 * file fills from its own parameters (`Writer{network: network, raddr: raddr}`): the wrapper is
 * that function (log/syslog.Dial), one call removed.
 */
function dialsStoredParameters(file: GoFile, call: Node): boolean {
  const fields = (callParts(call)?.args ?? []).map((a) => unparen(a));
  if (fields.length !== 2 || !fields.every((f) => typeOf(f) === 'selector_expression')) return false;
  const names = fields.map((f) => f.childForFieldName('field')?.text ?? '');
  for (const m of file.text.matchAll(/^func (Dial\w*)\(([^)]*)\)/gm)) {
    const params = new Set([...m[2].matchAll(/(\w+)\s*(?:,|\s+[\w.*[\]]+)/g)].map((p) => p[1]));
    const next = file.text.indexOf('\nfunc ', m.index + 1);
    const body = file.text.slice(m.index, next < 0 ? file.text.length : next);
    const stored = (field: string) => [...body.matchAll(new RegExp(`\\b${field}:\\s*(\\w+)`, 'g'))].some((k) => params.has(k[1]));
    if (names.every(stored)) return true;
  }
  return false;
}

export const netDialNoTimeout: GoRule = {
  id: 'go/net-dial-no-timeout',
  language: 'go',
  title: 'net.Dial without a timeout',
  defaultSeverity: 'warning',
  fixable: true,
  peerNames: ['noctx'],
  triggers: ['Dial'],
  scope: {
    tests: { checked: false, why: 'a test dials servers it started on loopback, and its binary is short-lived.' },
  },
  docs: {
    description:
      '`net.Dial` has no timeout: when the peer or the network drops packets, connecting blocks for as long as the operating system keeps retrying (minutes), and the goroutine waits with it. Use `net.DialTimeout`, or a `net.Dialer` with `Timeout` and `DialContext`. Not flagged: local and connectionless networks (`unix`, `unixgram`, `unixpacket`, `udp`, `ip`) loopback addresses and socket paths (a constant starting with `/`, a URL\'s `Path`) spelled out in the code (also through a range over a literal slice), which no slow peer can hold up; wrappers whose contract is `net.Dial`\'s (the caller picks the blocking call): functions and methods named `Dial`, those named `Dial…` that pass their own network and address parameters on, and methods dialing the fields such a function filled from its parameters (log/syslog); programs run by hand (`//go:build ignore` or `generate` files, code generators that write `DO NOT EDIT` headers). Limits: networks and addresses are read from constants of the same function only.',
    bad: 'conn, err := net.Dial("tcp", addr)',
    good: 'conn, err := net.DialTimeout("tcp", addr, 10*time.Second)',
  },
  check({ file, decl, index, report }) {
    if (runByHand(file)) return;
    for (const call of pkgCalls(file, index, 'net', ['Dial'])) {
      if (dialsLocally(file, call) || isDialWrapper(file, decl, call)) continue;
      report(call, 'net.Dial has no timeout and can block for minutes: use net.DialTimeout or a net.Dialer with Timeout', {
        fix: () => dialTimeoutFix(file, call),
      });
    }
  },
};
