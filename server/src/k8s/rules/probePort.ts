import { allContainers, describeContainer, WORKLOAD_KINDS } from '../podSpec';
import { containerPorts, probePorts } from '../probes';
import type { K8sRule } from '../rule';

export const probePort: K8sRule = {
  id: 'k8s/probe-port',
  language: 'k8s',
  kinds: WORKLOAD_KINDS,
  title: 'Probe on a port the container does not define',
  defaultSeverity: 'error',
  fixable: false,
  docs: {
    description:
      'A probe on a named port the container does not declare never succeeds, and one on a port number missing from the container\'s `ports` list usually means the port was changed on one side only. A failing liveness probe restarts the container forever; a failing readiness probe keeps it out of its Service.',
    bad: 'ports:\n  - name: http\n    containerPort: 8080\nlivenessProbe:\n  httpGet:\n    path: /healthz\n    port: metrics',
    good: 'ports:\n  - name: http\n    containerPort: 8080\nlivenessProbe:\n  httpGet:\n    path: /healthz\n    port: http',
  },
  check({ objects, report }) {
    for (const c of allContainers(objects)) {
      const ports = containerPorts(c);
      for (const { probe, pair, port } of probePorts(c)) {
        if (typeof port === 'string' ? ports.some((p) => p.name === port) : ports.length === 0 || ports.some((p) => p.number === port)) continue;
        const what = typeof port === 'string' ? `named port "${port}"` : `port ${port}`;
        report(pair, `${describeContainer(c)}'s ${probe} uses ${what}, which the container's ports do not define`);
      }
    }
  },
};
