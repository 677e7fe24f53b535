import { asSeq, mapsIn, numberOf, pairOf } from '../nodes';
import { allContainers, describeContainer, WORKLOAD_KINDS } from '../podSpec';
import type { K8sRule } from '../rule';

export const hostPort: K8sRule = {
  id: 'k8s/host-port',
  language: 'k8s',
  kinds: WORKLOAD_KINDS,
  title: 'Container port bound on the node (hostPort)',
  defaultSeverity: 'warning',
  fixable: false,
  docs: {
    description:
      'A `hostPort` opens the port on the node\'s own addresses, outside any NetworkPolicy that selects the pod, and limits the workload to one pod per node and port: a rollout or a second replica stays Pending when the port is taken. Expose the pod through a Service instead. No fix is offered: clients that reach the node\'s port would lose it.',
    bad: 'ports:\n  - name: metrics\n    containerPort: 9100\n    hostPort: 9100',
    good: 'ports:\n  - name: metrics\n    containerPort: 9100',
  },
  check({ objects, report }) {
    for (const c of allContainers(objects)) {
      for (const port of mapsIn(asSeq(pairOf(c.node, 'ports')?.value))) {
        const pair = pairOf(port, 'hostPort');
        const n = numberOf(pair?.value);
        if (pair && n !== undefined && n > 0) report(pair, `${describeContainer(c)} binds port ${n} on the node: expose it through a Service instead`);
      }
    }
  },
};
