import { pkgCalls } from '../callees';
import { setSecondsFieldFix } from '../compositeEdits';
import { literalsMissingFields } from '../composites';
import type { GoRule } from '../rule';

/** Package functions that serve with a Server that has no timeouts at all. */
const BARE_SERVE = ['ListenAndServe', 'ListenAndServeTLS', 'Serve', 'ServeTLS'];

export const httpServerNoTimeout: GoRule = {
  id: 'go/http-server-no-timeout',
  language: 'go',
  title: 'http.Server without a read timeout',
  defaultSeverity: 'warning',
  fixable: true,
  peerNames: ['gosec:G112', 'gosec:G114'],
  triggers: [...BARE_SERVE, 'Server'],
  docs: {
    description:
      'A server without `ReadHeaderTimeout` or `ReadTimeout` keeps a connection and its goroutine for as long as a client takes to send its headers; slow or idle clients (Slowloris) exhaust memory and file descriptors. `http.ListenAndServe` and the other package-level helpers use a Server with no timeouts at all.',
    bad: 'srv := &http.Server{Addr: ":8080", Handler: mux}\nlog.Fatal(http.ListenAndServe(":8080", mux))',
    good: 'srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 10 * time.Second}\nlog.Fatal(srv.ListenAndServe())',
  },
  check({ file, index, report }) {
    const readTimeouts = ['ReadHeaderTimeout', 'ReadTimeout'];
    for (const literal of literalsMissingFields(file, index, 'net/http', 'Server', readTimeouts)) {
      report(literal, 'http.Server without ReadHeaderTimeout or ReadTimeout: slow clients hold connections forever', {
        fix: () => setSecondsFieldFix(file, literal, 'ReadHeaderTimeout', 10),
      });
    }
    for (const call of pkgCalls(file, index, 'net/http', BARE_SERVE)) {
      report(
        call,
        'http.ListenAndServe and friends serve without any timeout: build an http.Server with ReadHeaderTimeout and call its method',
      );
    }
  },
};
