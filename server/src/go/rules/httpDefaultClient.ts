import type { GoRule } from '../rule';
import { callParts } from '../syntax';

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
  docs: {
    description:
      '`http.Get`, `http.Head`, `http.Post`, `http.PostForm` and `http.DefaultClient` send through a client with no timeout: a server that never answers blocks the caller forever. Use an `http.Client` with `Timeout` set (and a request carrying a context).',
    bad: 'resp, err := http.Get(url)',
    good: 'var client = &http.Client{Timeout: 30 * time.Second}\n\nresp, err := client.Get(url)',
  },
  check({ file, index, report }) {
    for (const call of index.callsNamed(DEFAULT_CLIENT_METHODS)) {
      const operand = callParts(call)?.operand;
      if (file.isPkgCall(call, 'net/http', DEFAULT_CLIENT_FUNCS)) {
        report(call, 'request sent with http.DefaultClient, which has no timeout: use an http.Client with Timeout set');
      } else if (operand && file.refersTo(operand, 'net/http', ['DefaultClient'])) {
        report(call, 'http.DefaultClient has no timeout: use an http.Client with Timeout set');
      }
    }
  },
};
