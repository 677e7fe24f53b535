import { mapAt, numberOf, pairOf } from '../nodes';
import { labelsOf } from '../objects';
import { podSpecOf } from '../podSpec';
import type { K8sRule } from '../rule';

const REPLICATED = new Set(['Deployment', 'StatefulSet']);

export const noDisruptionBudget: K8sRule = {
  id: 'k8s/no-disruption-budget',
  language: 'k8s',
  kinds: ['Deployment', 'StatefulSet', 'PodDisruptionBudget'],
  title: 'Replicated workload without a PodDisruptionBudget',
  defaultSeverity: 'info',
  fixable: false,
  crossFile: { kinds: ['Deployment', 'StatefulSet'] },
  docs: {
    description:
      'Running several replicas protects a service only if they are not all evicted at once. Without a PodDisruptionBudget a node drain or cluster upgrade may take every replica down together. LeakLens looks for a PodDisruptionBudget (policy/v1) whose selector matches the pod template among all manifests checked together, in the same namespace when both set one. Workloads with `replicas` below 2, or left to an autoscaler, are not checked.',
    bad: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n  template:\n    metadata:\n      labels: {app: web}',
    good: 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: web}',
  },
  check({ objects, workspace, report }) {
    for (const o of objects) {
      const pod = REPLICATED.has(o.kind) ? podSpecOf(o) : undefined;
      const replicas = pairOf(mapAt(o.node, 'spec'), 'replicas');
      const n = numberOf(replicas?.value);
      if (!pod || !replicas || n === undefined || n < 2) continue;
      if (workspace().hasDisruptionBudget(labelsOf(pod.metadata), o.namespace)) continue;
      report(replicas, `${o.kind} runs ${n} replicas but no PodDisruptionBudget selects its pods: a drain can evict them all at once`);
    }
  },
};
