import { mapAt, pairOf } from '../nodes';
import { riskyFixIf, type K8sRule } from '../rule';

const SCALABLE = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

export const hpaReplicas: K8sRule = {
  id: 'k8s/hpa-replicas',
  language: 'k8s',
  kinds: ['Deployment', 'StatefulSet', 'ReplicaSet', 'HorizontalPodAutoscaler'],
  title: 'Workload sets replicas while an autoscaler scales it',
  defaultSeverity: 'warning',
  fixable: true,
  crossFile: { kinds: ['Deployment', 'StatefulSet', 'ReplicaSet'] },
  docs: {
    description:
      'When a HorizontalPodAutoscaler scales a workload, a `replicas` in the manifest fights it: every `kubectl apply` resets the count to the manifest\'s value and the autoscaler then scales back, so a deploy under load drops capacity right when it is needed. Leave `replicas` out of autoscaled workloads. LeakLens matches the autoscaler\'s `scaleTargetRef` (kind and name) among all manifests checked together. The fix removes `replicas`; Fix All never applies it, because with client-side `kubectl apply` removing the field once scales the workload to 1 (apply it with server-side apply, or follow Kubernetes\' migration steps).',
    bad: 'kind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n---\nkind: HorizontalPodAutoscaler\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}',
    good: 'kind: Deployment\nmetadata: {name: web}\nspec:\n  selector: ...\n---\nkind: HorizontalPodAutoscaler\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}',
  },
  check({ objects, edits, workspace, report }) {
    for (const o of objects) {
      if (!SCALABLE.has(o.kind) || !['apps', 'extensions'].includes(o.group) || !o.name) continue;
      const spec = mapAt(o.node, 'spec');
      const replicas = pairOf(spec, 'replicas');
      if (!spec || !replicas || !workspace().isAutoscaled(o.kind, o.name, o.namespace)) continue;
      report(replicas, `${o.kind} ${o.name} sets replicas but a HorizontalPodAutoscaler scales it: every apply resets the count`, {
        fixes: riskyFixIf('Remove replicas', edits.removePair(spec, replicas), 'with client-side kubectl apply, removing replicas once scales the workload to 1'),
      });
    }
  },
};
