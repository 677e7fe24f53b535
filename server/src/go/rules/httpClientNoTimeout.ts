import { setSecondsFieldFix } from '../compositeEdits';
import { literalsMissingFields } from '../composites';
import type { GoRule } from '../rule';

export const httpClientNoTimeout: GoRule = {
  id: 'go/http-client-no-timeout',
  language: 'go',
  title: 'http.Client without a Timeout',
  defaultSeverity: 'warning',
  fixable: true,
  peerNames: ['gosec'],
  triggers: ['Client'],
  docs: {
    description:
      'An `http.Client` without `Timeout` waits forever for a server that accepts the connection but never answers: the calling goroutine, its connection and everything it holds stay alive. Set `Timeout` to bound the whole exchange, headers and body included.',
    bad: 'client := &http.Client{Transport: transport}',
    good: 'client := &http.Client{Transport: transport, Timeout: 30 * time.Second}',
  },
  check({ file, index, report }) {
    for (const literal of literalsMissingFields(file, index, 'net/http', 'Client', ['Timeout'])) {
      report(literal, 'http.Client without Timeout: a stalled server blocks its callers forever; set Timeout', {
        fix: () => setSecondsFieldFix(file, literal, 'Timeout', 30),
      });
    }
  },
};
