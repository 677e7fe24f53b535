import { durationMs, formatMs } from '../durations';
import { isVirtualService, virtualServiceRoutes } from '../mesh';
import { mapAt, numberOf, pairOf, textOf } from '../nodes';
import type { K8sRule } from '../rule';

export const istioRetryBudget: K8sRule = {
  id: 'k8s/istio-retry-budget',
  language: 'k8s',
  kinds: ['VirtualService'],
  title: 'Istio retries without a per-try timeout, or longer than the route timeout',
  defaultSeverity: 'warning',
  fixable: false,
  docs: {
    description:
      'Retries multiply the load a slow upstream gets and the time a caller waits. Without `perTryTimeout` one attempt can use the whole route timeout and the retries never happen; with `attempts × perTryTimeout` beyond the route `timeout` the last attempts are cut off by it. Set a `perTryTimeout` so that all attempts fit in the route timeout. `attempts: 0` turns retries off and is not checked.',
    bad: 'http:\n  - route:\n      - destination: {host: orders}\n    timeout: 2s\n    retries:\n      attempts: 3\n      perTryTimeout: 2s',
    good: 'http:\n  - route:\n      - destination: {host: orders}\n    timeout: 2s\n    retries:\n      attempts: 3\n      perTryTimeout: 600ms',
  },
  check({ objects, report }) {
    for (const o of objects) {
      if (!isVirtualService(o)) continue;
      for (const route of virtualServiceRoutes(o)) {
        const retries = pairOf(route.node, 'retries');
        const attempts = numberOf(pairOf(mapAt(route.node, 'retries'), 'attempts')?.value);
        if (!retries || attempts === undefined || attempts <= 0) continue;
        const perTry = pairOf(mapAt(route.node, 'retries'), 'perTryTimeout');
        const perTryMs = durationMs(textOf(perTry?.value));
        if (!perTry || perTryMs === undefined) {
          report(retries, `${attempts} retries without perTryTimeout: one slow attempt can use the whole route timeout`);
          continue;
        }
        const routeMs = durationMs(textOf(pairOf(route.node, 'timeout')?.value));
        if (routeMs && attempts * perTryMs > routeMs) {
          report(perTry, `${attempts} attempts × ${formatMs(perTryMs)} is beyond the route timeout of ${formatMs(routeMs)}: the last attempts are cut off`);
        }
      }
    }
  },
};
