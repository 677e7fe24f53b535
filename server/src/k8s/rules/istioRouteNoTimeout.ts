import { durationMs } from '../durations';
import { isVirtualService, virtualServiceRoutes } from '../mesh';
import { pairOf, textOf } from '../nodes';
import { riskyFixIf, type K8sRule } from '../rule';

const TIMEOUT = '10s';

export const istioRouteNoTimeout: K8sRule = {
  id: 'k8s/istio-route-no-timeout',
  language: 'k8s',
  kinds: ['VirtualService'],
  title: 'Istio HTTP route without a timeout',
  defaultSeverity: 'warning',
  fixable: true,
  docs: {
    description:
      'Istio does not time out HTTP routes by default: when the upstream hangs, every caller waits as long as its own client lets it, holding a connection, a goroutine and often a database transaction, and the waits pile up through the call graph. Set `timeout` on each route of `spec.http` (routes that only redirect or answer directly are not checked; `timeout: 0s` disables it and is flagged too). The fix sets `timeout: 10s`, which changes when slow calls fail, so Fix All never applies it.',
    bad: 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nspec:\n  hosts: [orders]\n  http:\n    - route:\n        - destination: {host: orders}',
    good: 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nspec:\n  hosts: [orders]\n  http:\n    - route:\n        - destination: {host: orders}\n      timeout: 5s',
  },
  check({ objects, edits, report }) {
    for (const o of objects) {
      if (!isVirtualService(o)) continue;
      for (const route of virtualServiceRoutes(o)) {
        if (pairOf(route.node, 'redirect') || pairOf(route.node, 'directResponse')) continue;
        const timeout = pairOf(route.node, 'timeout');
        if (timeout && durationMs(textOf(timeout.value)) !== 0) continue;
        report(timeout ?? route.anchor, `HTTP route ${timeout ? 'disables its timeout (0s)' : 'has no timeout'}: a hung upstream holds every caller until its own client gives up`, {
          fixes: riskyFixIf(`Set timeout: ${TIMEOUT}`, edits.set(route.node, ['timeout'], TIMEOUT), 'requests slower than the timeout now fail with 504'),
        });
      }
    }
  },
};
