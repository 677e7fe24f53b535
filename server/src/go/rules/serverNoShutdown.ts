import type { GoFile } from '../file';
import type { GoRule } from '../rule';
import { callParts, type Node, typeOf } from '../syntax';

const SERVE_METHODS = ['ListenAndServe', 'ListenAndServeTLS', 'Serve', 'ServeTLS'];
/** Calls that stop a server gracefully: net/http's Shutdown, and gRPC's GracefulStop. */
const GRACEFUL_STOPS = new Set(['Shutdown', 'GracefulStop']);
/** os/signal functions that catch termination signals. */
const SIGNAL_CATCHERS = ['Notify', 'NotifyContext'];
/** Helpers that wrap them, by the names Kubernetes code knows them (apiserver, controller-runtime, sample-controller). */
const SIGNAL_HELPERS = new Set(['SetupSignalHandler', 'SetupSignalContext']);

/** `srv.ListenAndServe()`, `s.http.Serve(l)` or `http.ListenAndServe(…)`; not other packages' functions. */
function startsServer(file: GoFile, call: Node): boolean {
  if (file.isPkgCall(call, 'net/http', SERVE_METHODS)) return true;
  const parts = callParts(call);
  if (!parts?.operand || !SERVE_METHODS.includes(parts.name)) return false;
  return !(typeOf(parts.operand) === 'identifier' && file.importPathOf(parts.operand.text));
}

function fileCalls(file: GoFile, matches: (call: Node) => boolean): boolean {
  return file.root.descendantsOfType('call_expression').some((c) => !!c && matches(c));
}

/** True when the program waits for SIGTERM (or SIGINT) itself: it means to end in an orderly way. */
function catchesSignals(file: GoFile): boolean {
  return fileCalls(file, (c) => file.isPkgCall(c, 'os/signal', SIGNAL_CATCHERS) || SIGNAL_HELPERS.has(callParts(c)?.name ?? ''));
}

export const serverNoShutdown: GoRule = {
  id: 'go/server-no-shutdown',
  language: 'go',
  title: 'Server started in main without graceful shutdown',
  defaultSeverity: 'info',
  fixable: false,
  triggers: SERVE_METHODS,
  fileScoped: true,
  readsAnywhere: [...GRACEFUL_STOPS, ...SIGNAL_CATCHERS, ...SIGNAL_HELPERS],
  scope: {
    tests: { checked: false, why: 'test files start no program: go test writes the main of a test binary.' },
  },
  docs: {
    description:
      'When `main` catches SIGTERM (`signal.Notify`, `signal.NotifyContext`, a `SetupSignalHandler` helper) and starts a server, but nothing ever calls `Shutdown`, the signal (every Kubernetes rollout) ends the process with requests in flight: clients see reset connections and work half done is lost. After the signal, call `srv.Shutdown` with a deadline so open requests can finish. Any `Shutdown` call in the file counts, and so does gRPC\'s `GracefulStop`. A `main` that does not catch signals at all is not flagged: on real code those are demos, test servers and local tools, which the default SIGTERM ending suits. Limits: the signal handling and the `Shutdown` call are looked for in the file of `main` only.',
    bad: 'func main() {\n\tctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)\n\tdefer stop()\n\tsrv := &http.Server{Addr: ":8080", ReadHeaderTimeout: 10 * time.Second}\n\tgo srv.ListenAndServe()\n\t<-ctx.Done()\n}',
    good: 'func main() {\n\tctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)\n\tdefer stop()\n\tsrv := &http.Server{Addr: ":8080", ReadHeaderTimeout: 10 * time.Second}\n\tgo func() {\n\t\tif err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {\n\t\t\tlog.Fatal(err)\n\t\t}\n\t}()\n\t<-ctx.Done()\n\tshutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)\n\tdefer cancel()\n\tif err := srv.Shutdown(shutdownCtx); err != nil {\n\t\tlog.Print(err)\n\t}\n}',
  },
  check({ file, decl, index, report }) {
    if (file.packageName !== 'main' || typeOf(decl) !== 'function_declaration') return;
    if (decl.childForFieldName('name')?.text !== 'main') return;
    const starts = index.callsNamed(SERVE_METHODS).filter((call) => startsServer(file, call));
    if (starts.length === 0 || !catchesSignals(file)) return;
    if (fileCalls(file, (c) => GRACEFUL_STOPS.has(callParts(c)?.name ?? ''))) return;
    for (const call of starts) {
      report(
        call,
        'main catches termination signals but the file never calls Shutdown: SIGTERM cuts off requests in flight (the httpserver snippet shows graceful shutdown)',
      );
    }
  },
};
