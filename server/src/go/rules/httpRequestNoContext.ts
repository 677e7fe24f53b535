import { checkContextVariant, contextInScope } from '../contextScope';
import type { GoFile } from '../file';
import { positionOf } from '../ownership';
import { requestBoundInScope } from '../requestContext';
import type { GoRule } from '../rule';
import { enclosingFunction, type Node, typeOf } from '../syntax';

/**
 * True when the request `http.NewRequest` builds is never tied to a context afterwards: not
 * `req = req.WithContext(ctx)`, not `client.Do(req.WithContext(ctx))`, not `req.Cancel = ctx.Done()`,
 * and not handed together with the context to a helper that binds it (`h.Do(ctx, req)`).
 */
function neverBound(file: GoFile, call: Node, ctxName: string): boolean {
  const position = positionOf(call);
  if (position.kind !== 'assigned') return true;
  const target = position.left[0];
  const fn = enclosingFunction(call);
  if (!fn || !target || typeOf(target) !== 'identifier') return true;
  const contexts = [ctxName, contextInScope(file, call)].filter((c): c is string => !!c);
  return !requestBoundInScope(file, fn, target.text, call.endIndex, contexts);
}

export const httpRequestNoContext: GoRule = {
  id: 'go/http-request-no-context',
  language: 'go',
  title: 'http.NewRequest where a context is available',
  defaultSeverity: 'warning',
  fixable: true,
  peerNames: ['noctx'],
  triggers: ['NewRequest'],
  alsoRequires: ['Context'],
  scope: {
    tests: { checked: true, why: 'a request that ignores the test\'s context runs on after the test gave up (its deadline, an interrupted spec).' },
  },
  docs: {
    description:
      'A request built with `http.NewRequest` carries `context.Background()`: when the caller gives up (deadline, client gone, shutdown) the request goes on, holding its goroutine and connection. In a function that receives a context, build the request with `http.NewRequestWithContext`. Not flagged: a request bound to the context later in the function (`req = req.WithContext(ctx)`, `client.Do(req.WithContext(ctx))`, `req.Cancel = ctx.Done()`) or handed together with it to a helper (`h.Do(ctx, req)`), and one built on the branch where the context is nil. Limits: the request is followed by its variable\'s name within the function that builds it.',
    bad: 'func fetch(ctx context.Context, url string) (*http.Response, error) {\n\treq, err := http.NewRequest(http.MethodGet, url, nil)\n\t…\n}',
    good: 'func fetch(ctx context.Context, url string) (*http.Response, error) {\n\treq, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)\n\t…\n}',
  },
  check(ctx) {
    checkContextVariant(ctx, {
      pkg: 'net/http',
      name: 'NewRequest',
      variant: 'NewRequestWithContext',
      message: (ctxName) =>
        `http.NewRequest ignores ${ctxName}: use http.NewRequestWithContext(${ctxName}, …) so the request is cancelled with it`,
      changesBehavior: (ctxName) => `the request is now cancelled when ${ctxName} is done`,
      ignoresContext: (call, ctxName) => neverBound(ctx.file, call, ctxName),
    });
  },
};
