import { checkResource, calleeText } from '../resourceRule';
import { responseBody } from '../resources';
import type { GoRule } from '../rule';

export const responseBodyNotClosed: GoRule = {
  id: 'go/response-body-not-closed',
  language: 'go',
  title: 'HTTP response body not closed',
  defaultSeverity: 'warning',
  fixable: true,
  peerNames: ['bodyclose'],
  scope: {
    tests: {
      checked: false,
      why: "a test's requests mostly go to handlers the test wrote, often answering with no body (net/http then returns the connection itself) or expected to fail; on the Kubernetes modules a reviewer kept a third of these findings. Turn it on (`tests: true`) for test binaries that check for leftover goroutines with goleak.",
    },
    processLifetime:
      'main, init and the package-main helpers only they call (and programs run by hand) run once per process in tools and set-up code: a body left open there is released when the program exits. A polling loop written in main itself is not checked either.',
  },
  triggers: responseBody.callees,
  packageTriggers: (pkg) => pkg.wrapperNames('response'),
  docs: {
    description:
      'Until `resp.Body` is closed, the HTTP client keeps the connection (and for HTTP/1 its goroutines and buffers) tied to the response: it cannot go back to the pool, and under load the process runs out of file descriptors. Close the body on every path once the call succeeded — `defer resp.Body.Close()` right after the error check. Reading it to its end (io.ReadAll, io.Copy) releases the connection too — at EOF net/http returns it to the pool, on a read error it closes it — while a partial read (json.NewDecoder, io.CopyN, a status check) does not; handing the response or its body to your own helper counts as handing it on, and a function of the same package that returns an `*http.Response` it got from a client counts like the client call. Overwriting the variable with a new response while the first body is open leaks the first. Not flagged: HEAD requests (no body; net/http returns the connection itself), a call expected to fail (`if err == nil { t.Fatal(…) }`), and net/http\'s own tests.',
    bad: 'func status(c *http.Client, url string) (int, error) {\n\tresp, err := c.Get(url)\n\tif err != nil {\n\t\treturn 0, err\n\t}\n\treturn resp.StatusCode, nil\n}',
    good: 'func status(c *http.Client, url string) (int, error) {\n\tresp, err := c.Get(url)\n\tif err != nil {\n\t\treturn 0, err\n\t}\n\tdefer resp.Body.Close()\n\treturn resp.StatusCode, nil\n}',
  },
  check(ctx) {
    checkResource(ctx, {
      resource: responseBody,
      message: (call, state) =>
        state === 'discarded'
          ? `the response returned by ${calleeText(call)} is discarded: its body is never closed and the connection is not reused`
          : `the body of the response returned by ${calleeText(call)} is not closed on every path: the connection leaks`,
    });
  },
};
