import { allContainers, describeContainer, isLongRunning, WORKLOAD_KINDS } from '../podSpec';
import { probeFixes, probeFixHint } from '../probes';
import type { K8sRule } from '../rule';
import { isNullish, valueOf } from '../nodes';

export const noReadinessProbe: K8sRule = {
  id: 'k8s/no-readiness-probe',
  language: 'k8s',
  kinds: WORKLOAD_KINDS,
  title: 'Long-running container without a readiness probe',
  defaultSeverity: 'warning',
  fixable: true,
  docs: {
    description:
      'Without a readiness probe a pod receives traffic as soon as its process starts and keeps receiving it while it is overloaded or shutting down: requests pile up in it and time out. Init containers and the pods of Jobs and CronJobs are not required to have one. The fix adds a tcpSocket probe on the first container port (and offers an httpGet probe for ports named `http`); no fix when the container declares no port.',
    bad: 'containers:\n  - name: web\n    image: nginx:1.27\n    ports:\n      - name: http\n        containerPort: 8080',
    good: 'containers:\n  - name: web\n    image: nginx:1.27\n    ports:\n      - name: http\n        containerPort: 8080\n    readinessProbe:\n      httpGet:\n        path: /healthz\n        port: http',
  },
  check({ objects, edits, report }) {
    for (const c of allContainers(objects)) {
      if (!isLongRunning(c) || !isNullish(valueOf(c.node, 'readinessProbe'))) continue;
      const fixes = probeFixes(edits, c, 'readinessProbe');
      report(c.anchor, `${describeContainer(c)} has no readinessProbe: it gets traffic before it can serve it${probeFixHint(c)}`, { fixes });
    }
  },
};
