import { allContainers, describeContainer, isLongRunning, WORKLOAD_KINDS } from '../podSpec';
import { probeFixes, probeFixHint } from '../probes';
import type { K8sRule } from '../rule';
import { isNullish, valueOf } from '../nodes';

export const noLivenessProbe: K8sRule = {
  id: 'k8s/no-liveness-probe',
  language: 'k8s',
  kinds: WORKLOAD_KINDS,
  title: 'Long-running container without a liveness probe',
  defaultSeverity: 'warning',
  fixable: true,
  docs: {
    description:
      'A server that deadlocks or exhausts its goroutines, connections or file descriptors keeps running but stops serving; without a liveness probe Kubernetes never restarts it. Init containers and the pods of Jobs and CronJobs are not required to have one. The fix adds a tcpSocket probe on the first container port (and offers an httpGet probe for ports named `http`); no fix when the container declares no port.',
    bad: 'containers:\n  - name: web\n    image: nginx:1.27\n    ports:\n      - name: http\n        containerPort: 8080',
    good: 'containers:\n  - name: web\n    image: nginx:1.27\n    ports:\n      - name: http\n        containerPort: 8080\n    livenessProbe:\n      tcpSocket:\n        port: http',
  },
  check({ objects, edits, report }) {
    for (const c of allContainers(objects)) {
      if (!isLongRunning(c) || !isNullish(valueOf(c.node, 'livenessProbe'))) continue;
      const fixes = probeFixes(edits, c, 'livenessProbe');
      report(c.anchor, `${describeContainer(c)} has no livenessProbe: a hung process is never restarted${probeFixHint(c)}`, { fixes });
    }
  },
};
