import { isDestinationRule } from '../mesh';
import { mapAt, pairOf, type YAMLMap } from '../nodes';
import type { K8sRule } from '../rule';

/** connectionPool settings that bound queued or concurrent work. */
const POOL_LIMITS: Record<string, readonly string[]> = {
  tcp: ['maxConnections'],
  http: ['http1MaxPendingRequests', 'http2MaxRequests', 'maxRequestsPerConnection', 'maxConcurrentStreams'],
};

function hasPoolLimit(policy: YAMLMap | undefined): boolean {
  return Object.entries(POOL_LIMITS).some(([protocol, keys]) => keys.some((k) => pairOf(mapAt(policy, 'connectionPool', protocol), k)));
}

export const destinationRuleNoCircuitBreaker: K8sRule = {
  id: 'k8s/destination-rule-no-circuit-breaker',
  language: 'k8s',
  kinds: ['DestinationRule'],
  title: 'Istio DestinationRule without outlier detection or connection limits',
  defaultSeverity: 'warning',
  fixable: false,
  docs: {
    description:
      'A DestinationRule is where Istio breaks circuits. Without `outlierDetection` a failing or hung pod keeps receiving its share of requests; without `connectionPool` limits (`tcp.maxConnections`, `http.http1MaxPendingRequests`, `http.http2MaxRequests`, ...) requests to a slow upstream queue without bound in every caller\'s sidecar. Both are checked on `spec.trafficPolicy`. No fix is offered: the thresholds depend on the service.',
    bad: 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nspec:\n  host: orders\n  trafficPolicy:\n    loadBalancer: {simple: LEAST_REQUEST}',
    good: 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nspec:\n  host: orders\n  trafficPolicy:\n    connectionPool:\n      tcp: {maxConnections: 100}\n      http: {http1MaxPendingRequests: 50}\n    outlierDetection:\n      consecutive5xxErrors: 5\n      interval: 10s\n      baseEjectionTime: 30s',
  },
  check({ objects, report }) {
    for (const o of objects) {
      if (!isDestinationRule(o)) continue;
      const spec = mapAt(o.node, 'spec');
      const policy = mapAt(spec, 'trafficPolicy');
      const at = pairOf(spec, 'trafficPolicy') ?? o.kindPair;
      if (!pairOf(policy, 'outlierDetection')) report(at, 'DestinationRule has no outlierDetection: failing pods keep getting their share of requests');
      if (!hasPoolLimit(policy)) report(at, 'DestinationRule sets no connectionPool limit: requests to a slow upstream queue without bound');
    }
  },
};
