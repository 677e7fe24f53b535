import { asSeq, mapsIn, pairOf, stringOf, asMap } from '../nodes';
import { podSpecsOf, WORKLOAD_KINDS } from '../podSpec';
import type { K8sRule } from '../rule';

export const hostPath: K8sRule = {
  id: 'k8s/host-path',
  language: 'k8s',
  kinds: WORKLOAD_KINDS,
  title: 'hostPath volume',
  defaultSeverity: 'warning',
  fixable: false,
  docs: {
    description:
      'A hostPath volume ties the pod to one node\'s filesystem: what it writes there outlives the pod and is never cleaned up by Kubernetes, and a writable mount of a system directory gives the container control of the node. Use an `emptyDir` (with `sizeLimit`) for scratch space or a PersistentVolumeClaim for data.',
    bad: 'volumes:\n  - name: cache\n    hostPath:\n      path: /var/cache/app',
    good: 'volumes:\n  - name: cache\n    emptyDir:\n      sizeLimit: 1Gi',
  },
  check({ objects, report }) {
    for (const pod of podSpecsOf(objects)) {
      for (const volume of mapsIn(asSeq(pairOf(pod.spec, 'volumes')?.value))) {
        const pair = pairOf(volume, 'hostPath');
        if (!pair) continue;
        const path = stringOf(pairOf(asMap(pair.value), 'path')?.value);
        const name = stringOf(pairOf(volume, 'name')?.value) ?? '(unnamed)';
        report(pair, `volume "${name}" mounts ${path ? `the host path ${path}` : 'a host path'}: use emptyDir or a PersistentVolumeClaim`);
      }
    }
  },
};
