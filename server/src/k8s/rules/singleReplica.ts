import { mapAt, numberOf, pairOf } from '../nodes';
import { isKind } from '../podSpec';
import type { K8sRule } from '../rule';

export const singleReplica: K8sRule = {
  id: 'k8s/single-replica',
  language: 'k8s',
  kinds: ['Deployment', 'StatefulSet'],
  title: 'Workload pinned to one replica',
  defaultSeverity: 'hint',
  fixable: false,
  docs: {
    description:
      'With `replicas: 1` every rollout, node drain and OOM kill of the one pod is an outage, and a leak that restarts the pod takes the service down each time. Run at least two replicas (with a PodDisruptionBudget). An omitted `replicas` is not flagged: it is usually left to a HorizontalPodAutoscaler.',
    bad: 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 1',
    good: 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 2',
  },
  check({ objects, report }) {
    for (const o of objects) {
      if (!isKind(o, 'Deployment', ['apps', 'extensions']) && !isKind(o, 'StatefulSet', ['apps'])) continue;
      const pair = pairOf(mapAt(o.node, 'spec'), 'replicas');
      if (pair && numberOf(pair.value) === 1) {
        report(pair, `${o.kind} runs a single replica: every restart, rollout or node drain is an outage`);
      }
    }
  },
};
