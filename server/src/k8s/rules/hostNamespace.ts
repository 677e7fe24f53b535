import { boolOf, pairOf } from '../nodes';
import { podSpecsOf, WORKLOAD_KINDS } from '../podSpec';
import { riskyFixIf, type K8sRule } from '../rule';

const HOST_NAMESPACES = { hostNetwork: 'network', hostPID: 'process', hostIPC: 'IPC' } as const;

export const hostNamespace: K8sRule = {
  id: 'k8s/host-namespace',
  language: 'k8s',
  kinds: WORKLOAD_KINDS,
  title: 'Pod shares a host namespace',
  defaultSeverity: 'error',
  fixable: true,
  docs: {
    description:
      '`hostNetwork`, `hostPID` and `hostIPC` put the pod in the node\'s network, process or IPC namespace: it can bind node ports, see and signal every process on the node and read shared memory. Ports it leaves open stay open on the node. The fix removes the key; Fix All never applies it, since node agents (node-exporter, CNI plugins) rely on it.',
    bad: 'spec:\n  hostNetwork: true\n  containers:\n    - name: web\n      image: nginx:1.27',
    good: 'spec:\n  containers:\n    - name: web\n      image: nginx:1.27',
  },
  check({ objects, edits, report }) {
    for (const pod of podSpecsOf(objects)) {
      for (const [key, what] of Object.entries(HOST_NAMESPACES)) {
        const pair = pairOf(pod.spec, key);
        if (!pair || boolOf(pair.value) !== true) continue;
        report(pair, `${key}: true shares the node's ${what} namespace with the pod`, {
          fixes: riskyFixIf(
            `Remove ${key}`,
            edits.removePair(pod.spec, pair),
            `node agents (exporters, CNI, kube-proxy-like daemons) rely on the node's ${what} namespace`,
          ),
        });
      }
    }
  },
};
