import { pkgCalls } from '../callees';
import { setSecondsFieldFix } from '../compositeEdits';
import { elementValue, literalsMissingFields } from '../composites';
import type { GoFile } from '../file';
import { mentionsBetween } from '../identifiers';
import { isLocalListener, isLoopbackAddress } from '../localEndpoints';
import { positionOf } from '../ownership';
import type { GoRule } from '../rule';
import { callParts, enclosingFunction, hasType, type Node } from '../syntax';

/** Package functions that serve with a Server that has no timeouts at all. */
const BARE_SERVE = ['ListenAndServe', 'ListenAndServeTLS', 'Serve', 'ServeTLS'];
/** Methods of http.Server that serve on a listener they are given. */
const SERVE_ON_LISTENER = ['Serve', 'ServeTLS'];

/**
 * True when `http.ListenAndServe(addr, …)` or `http.Serve(l, …)` listens only where no remote
 * client reaches: a loopback address, a unix socket or a loopback listener.
 */
function bareServeIsLocal(file: GoFile, call: Node): boolean {
  const parts = callParts(call);
  const first = parts?.args[0];
  if (!parts || !first) return false;
  return SERVE_ON_LISTENER.includes(parts.name) ? isLocalListener(file, first) : isLoopbackAddress(file, first);
}

/**
 * True when a Server literal only serves local clients: its Addr is a loopback address, or the
 * variable it is assigned to serves a unix or loopback listener (`srv.Serve(ln)`).
 */
function serverIsLocal(file: GoFile, literal: Node): boolean {
  const addr = elementValue(literal, 'Addr');
  if (addr && isLoopbackAddress(file, addr)) return true;
  const position = positionOf(literal);
  const target = position.kind === 'assigned' ? position.left[position.index] : undefined;
  const fn = enclosingFunction(literal);
  if (!fn || !hasType(target, 'identifier')) return false;
  return mentionsBetween(fn, target.text, literal.endIndex).some((m) => {
    const use = positionOf(m);
    if (use.kind !== 'member' || !SERVE_ON_LISTENER.includes(use.field)) return false;
    const call = positionOf(use.selector);
    const listener = call.kind === 'called' ? callParts(call.call)?.args[0] : undefined;
    return !!listener && isLocalListener(file, listener);
  });
}

export const httpServerNoTimeout: GoRule = {
  id: 'go/http-server-no-timeout',
  language: 'go',
  title: 'http.Server without a read timeout',
  defaultSeverity: 'warning',
  fixable: true,
  peerNames: ['gosec:G112', 'gosec:G114'],
  offByDefault:
    'on real code most servers outside main are test servers, test images and local tools (a reviewer kept about half of the findings that remain), which no reader of the code can tell from a service by its syntax.',
  triggers: [...BARE_SERVE, 'Server'],
  // Whether a helper runs for the process depends on its callers: main and init must be parsed too.
  readsAnywhere: ['main', 'init'],
  scope: {
    tests: { checked: false, why: 'test servers serve only the test\'s own clients, and the test binary is short-lived.' },
    processLifetime:
      'a server that main starts is the program itself, and on real code such programs are demos, test images and local tools; servers built by library and service code are checked.',
  },
  docs: {
    description:
      'A server without `ReadHeaderTimeout` or `ReadTimeout` keeps a connection and its goroutine for as long as a client takes to send its headers; slow or idle clients (Slowloris) exhaust memory and file descriptors. `http.ListenAndServe` and the other package-level helpers use a Server with no timeouts at all. Not flagged: servers that only local clients reach (a loopback `Addr` or address, a unix or loopback listener), and servers started straight from `main` (see the scope). Limits: that includes a service whose `main` starts its own server: give it a `ReadHeaderTimeout` all the same.',
    bad: 'srv := &http.Server{Addr: ":8080", Handler: mux}\nlog.Fatal(http.ListenAndServe(":8080", mux))',
    good: 'srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 10 * time.Second}\nlog.Fatal(srv.ListenAndServe())',
  },
  check({ file, index, report }) {
    const readTimeouts = ['ReadHeaderTimeout', 'ReadTimeout'];
    for (const literal of literalsMissingFields(file, index, 'net/http', 'Server', readTimeouts)) {
      if (serverIsLocal(file, literal)) continue;
      report(literal, 'http.Server without ReadHeaderTimeout or ReadTimeout: slow clients hold connections forever', {
        fix: () => setSecondsFieldFix(file, literal, 'ReadHeaderTimeout', 10, 'clients that take more than 10 seconds to send their headers are now cut off'),
      });
    }
    for (const call of pkgCalls(file, index, 'net/http', BARE_SERVE)) {
      if (bareServeIsLocal(file, call)) continue;
      report(
        call,
        'http.ListenAndServe and friends serve without any timeout: build an http.Server with ReadHeaderTimeout and call its method',
      );
    }
  },
};
