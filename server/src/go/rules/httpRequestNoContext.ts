import { checkContextVariant } from '../contextScope';
import type { GoRule } from '../rule';

export const httpRequestNoContext: GoRule = {
  id: 'go/http-request-no-context',
  language: 'go',
  title: 'http.NewRequest where a context is available',
  defaultSeverity: 'warning',
  fixable: true,
  peerNames: ['noctx'],
  triggers: ['NewRequest'],
  alsoRequires: ['Context'],
  docs: {
    description:
      'A request built with `http.NewRequest` carries `context.Background()`: when the caller gives up (deadline, client gone, shutdown) the request goes on, holding its goroutine and connection. In a function that receives a context, build the request with `http.NewRequestWithContext`.',
    bad: 'func fetch(ctx context.Context, url string) (*http.Response, error) {\n\treq, err := http.NewRequest(http.MethodGet, url, nil)\n\t…\n}',
    good: 'func fetch(ctx context.Context, url string) (*http.Response, error) {\n\treq, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)\n\t…\n}',
  },
  check(ctx) {
    checkContextVariant(ctx, 'net/http', 'NewRequest', 'NewRequestWithContext', (ctxName) =>
      `http.NewRequest ignores ${ctxName}: use http.NewRequestWithContext(${ctxName}, …) so the request is cancelled with it`,
    );
  },
};
