import { runByHand } from '../handRun';
import { requestCarriesContext } from '../requestContext';
import type { GoRule } from '../rule';
import { callParts, enclosingFunction } from '../syntax';

/** Package functions of net/http that send through http.DefaultClient. */
const DEFAULT_CLIENT_FUNCS = ['Get', 'Head', 'Post', 'PostForm'];
/** Methods of http.Client that send a request. */
const DEFAULT_CLIENT_METHODS = [...DEFAULT_CLIENT_FUNCS, 'Do'];

export const httpDefaultClient: GoRule = {
  id: 'go/http-default-client',
  language: 'go',
  title: 'Request sent with http.DefaultClient',
  defaultSeverity: 'warning',
  fixable: false,
  peerNames: ['noctx'],
  triggers: DEFAULT_CLIENT_METHODS,
  scope: {
    tests: { checked: false, why: 'a test talks to servers it started, and its binary is short-lived.' },
  },
  docs: {
    description:
      '`http.Get`, `http.Head`, `http.Post`, `http.PostForm` and `http.DefaultClient` send through a client with no timeout: a server that never answers blocks the caller forever. Use an `http.Client` with `Timeout` set (and a request carrying a context). Not flagged: `http.DefaultClient.Do` of a request that carries a context (built with `NewRequestWithContext`, bound with `WithContext` or `req.Cancel`), and programs run by hand (`//go:build ignore` or `generate` files, code generators that write `DO NOT EDIT` headers). Limits: whether a context can end is judged only for `context.Background()` and `context.TODO()` spelled out.',
    bad: 'resp, err := http.Get(url)',
    good: 'var client = &http.Client{Timeout: 30 * time.Second}\n\nresp, err := client.Get(url)',
  },
  check({ file, index, report }) {
    if (runByHand(file)) return;
    for (const call of index.callsNamed(DEFAULT_CLIENT_METHODS)) {
      const parts = callParts(call);
      if (file.isPkgCall(call, 'net/http', DEFAULT_CLIENT_FUNCS)) {
        report(call, 'request sent with http.DefaultClient, which has no timeout: use an http.Client with Timeout set');
      } else if (parts?.operand && file.refersTo(parts.operand, 'net/http', ['DefaultClient'])) {
        const request = parts.name === 'Do' ? parts.args[0] : undefined;
        const scope = enclosingFunction(call);
        if (request && scope && requestCarriesContext(file, scope, request)) continue;
        report(call, 'http.DefaultClient has no timeout: use an http.Client with Timeout set');
      }
    }
  },
};
