import { httpRouteRules, isHttpRoute } from '../mesh';
import { mapAt, pairOf } from '../nodes';
import { riskyFixIf, type K8sRule } from '../rule';

const TIMEOUT = '10s';

export const httpRouteNoTimeout: K8sRule = {
  id: 'k8s/httproute-no-timeout',
  language: 'k8s',
  kinds: ['HTTPRoute'],
  title: 'Gateway API HTTPRoute rule without a request timeout',
  defaultSeverity: 'warning',
  fixable: true,
  docs: {
    description:
      'Without `timeouts.request` a Gateway API implementation may wait on a hung backend as long as it likes (several have no default), holding the client and a proxy connection. Set `timeouts.request` on each rule that forwards to `backendRefs`. The fix sets `request: 10s`; it changes when slow calls fail, so Fix All never applies it.',
    bad: 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nspec:\n  rules:\n    - backendRefs:\n        - name: orders\n          port: 8080',
    good: 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nspec:\n  rules:\n    - backendRefs:\n        - name: orders\n          port: 8080\n      timeouts:\n        request: 5s',
  },
  check({ objects, edits, report }) {
    for (const o of objects) {
      if (!isHttpRoute(o)) continue;
      for (const rule of httpRouteRules(o)) {
        if (!pairOf(rule.node, 'backendRefs') || pairOf(mapAt(rule.node, 'timeouts'), 'request')) continue;
        report(pairOf(rule.node, 'timeouts') ?? rule.anchor, 'HTTPRoute rule has no timeouts.request: a hung backend holds the client and the proxy', {
          fixes: riskyFixIf(`Set timeouts.request: ${TIMEOUT}`, edits.set(rule.node, ['timeouts', 'request'], TIMEOUT), 'requests slower than the timeout now fail with 504'),
        });
      }
    }
  },
};
